package io.fovea.stream.config;

import io.fovea.core.image.ImageDecoder;
import io.fovea.core.image.RgbImage;
import java.util.OptionalLong;

/**
 * How large one image may be ({@code max.image.pixels}) and how many decoded bytes an instance
 * holds ({@code max.decoded.bytes}), each {@code auto} by default: sized from the heap, so that a
 * decode at the pixel limit takes at most a quarter of it and the images held another quarter.
 */
public record DecodeLimits(long maxImagePixels, long maxDecodedBytes) {
    /** Share of the heap one decode at the pixel limit may take, and the images held together. */
    static final int HEAP_SHARE = 4;

    public DecodeLimits {
        String pixelsKey = StreamOptions.MAX_IMAGE_PIXELS.key();
        String bytesKey = StreamOptions.MAX_DECODED_BYTES.key();
        if (maxImagePixels <= 0 || maxDecodedBytes <= 0) {
            throw new IllegalArgumentException(pixelsKey + " and " + bytesKey + " must be positive, got "
                    + maxImagePixels + " and " + maxDecodedBytes);
        }
        // one image at the pixel limit must fit, or it could never be held
        if (maxImagePixels * RgbImage.CHANNELS > maxDecodedBytes) {
            throw new IllegalArgumentException(bytesKey + "=" + maxDecodedBytes + " cannot hold one image of "
                    + pixelsKey + "=" + maxImagePixels + " (" + maxImagePixels * RgbImage.CHANNELS
                    + " bytes decoded): raise it or lower the pixel limit");
        }
    }

    /** The settings as given (empty: {@code auto}), resolved against a heap of {@code maxHeapBytes}. */
    static DecodeLimits of(OptionalLong pixels, OptionalLong decodedBytes, long maxHeapBytes) {
        return new DecodeLimits(
                pixels.orElse(autoPixels(maxHeapBytes)), decodedBytes.orElse(maxHeapBytes / HEAP_SHARE));
    }

    /** The default's ceiling on a large heap: 4096x4096, more than any classifier's input needs. */
    static final long MOST_AUTO_PIXELS = 4096L * 4096;

    /** The most pixels whose decode takes a quarter of the heap at its peak, at most {@link #MOST_AUTO_PIXELS}. */
    static long autoPixels(long maxHeapBytes) {
        return Math.min(MOST_AUTO_PIXELS, maxHeapBytes / HEAP_SHARE / ImageDecoder.PEAK_BYTES_PER_PIXEL);
    }
}
