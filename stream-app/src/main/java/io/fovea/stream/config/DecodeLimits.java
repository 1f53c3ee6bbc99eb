package io.fovea.stream.config;

import io.fovea.core.image.ImageDecoder;
import io.fovea.core.image.RgbImage;
import java.util.Locale;

/**
 * How large one image may be ({@code max.image.pixels}) and how many decoded bytes an instance
 * holds ({@code max.decoded.bytes}), each {@code auto} by default: sized from the heap, so that a
 * decode at the pixel limit takes at most a quarter of it and the images held another quarter.
 */
public record DecodeLimits(long maxImagePixels, long maxDecodedBytes) {
    /** Share of the heap one decode at the pixel limit may take, and the images held together. */
    static final int HEAP_SHARE = 4;

    public DecodeLimits {
        if (maxImagePixels <= 0 || maxDecodedBytes <= 0) {
            throw new IllegalArgumentException(StreamConfig.MAX_IMAGE_PIXELS + " and " + StreamConfig.MAX_DECODED_BYTES
                    + " must be positive, got " + maxImagePixels + " and " + maxDecodedBytes);
        }
        // one image at the pixel limit must fit, or it could never be held
        if (maxImagePixels * RgbImage.CHANNELS > maxDecodedBytes) {
            throw new IllegalArgumentException(StreamConfig.MAX_DECODED_BYTES + "=" + maxDecodedBytes
                    + " cannot hold one image of " + StreamConfig.MAX_IMAGE_PIXELS + "=" + maxImagePixels + " ("
                    + maxImagePixels * RgbImage.CHANNELS + " bytes decoded): raise it or lower the pixel limit");
        }
    }

    /** The settings as given, {@code auto} resolved against a heap of {@code maxHeapBytes}. */
    static DecodeLimits of(String pixels, String decodedBytes, long maxHeapBytes) {
        return new DecodeLimits(
                isAuto(pixels) ? autoPixels(maxHeapBytes) : number(StreamConfig.MAX_IMAGE_PIXELS, pixels),
                isAuto(decodedBytes)
                        ? maxHeapBytes / HEAP_SHARE
                        : number(StreamConfig.MAX_DECODED_BYTES, decodedBytes));
    }

    /** The default's ceiling on a large heap: 4096x4096, more than any classifier's input needs. */
    static final long MOST_AUTO_PIXELS = 4096L * 4096;

    /** The most pixels whose decode takes a quarter of the heap at its peak, at most {@link #MOST_AUTO_PIXELS}. */
    static long autoPixels(long maxHeapBytes) {
        return Math.min(MOST_AUTO_PIXELS, maxHeapBytes / HEAP_SHARE / ImageDecoder.PEAK_BYTES_PER_PIXEL);
    }

    private static boolean isAuto(String value) {
        return StreamConfig.AUTO.equals(value.trim().toLowerCase(Locale.ROOT));
    }

    private static long number(String key, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number or auto, got '" + value + "'");
        }
    }
}
