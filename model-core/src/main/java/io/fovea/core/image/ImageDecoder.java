package io.fovea.core.image;

import io.fovea.avro.DeadLetterReason;
import io.fovea.avro.PixelFormat;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes every pixel format of the contract to an {@link RgbImage}. Encoded images are
 * measured from their header before any pixel is decoded, so a small file that claims to be
 * huge (a decompression bomb) is refused without allocating its pixels.
 */
public final class ImageDecoder {
    /**
     * Heap one decoded pixel of a PNG or JPEG needs at the peak of {@link #decode}: ImageIO's
     * BufferedImage (up to 8 bytes, a 16-bit RGBA PNG), the ARGB ints {@code getRGB} copies (4) and
     * the planar copy kept ({@link RgbImage#CHANNELS}).
     */
    public static final int PEAK_BYTES_PER_PIXEL = 8 + 4 + RgbImage.CHANNELS;

    private final long maxPixels;

    /** @param maxPixels the largest width*height decoded; larger images are refused */
    public ImageDecoder(long maxPixels) {
        this.maxPixels = maxPixels;
    }

    /**
     * @param width, height, channels as declared by the sender (checked against the bytes for raw formats)
     * @throws InvalidImageException with the reason to dead-letter the image under
     */
    public RgbImage decode(PixelFormat format, int width, int height, int channels, byte[] bytes) {
        switch (format) {
            case RGB8_CHW:
                checkRaw(width, height, channels, bytes);
                return new RgbImage(width, height, bytes);
            case RGB8_HWC:
                checkRaw(width, height, channels, bytes);
                return new RgbImage(width, height, hwcToChw(width, height, bytes));
            case PNG:
            case JPEG:
                return decodeFile(format, bytes);
            default:
                throw new InvalidImageException(
                        DeadLetterReason.UNKNOWN_PIXEL_FORMAT, "pixel format " + format + " is not supported");
        }
    }

    private void checkRaw(int width, int height, int channels, byte[] bytes) {
        if (width <= 0 || height <= 0 || channels != RgbImage.CHANNELS) {
            throw new InvalidImageException(
                    DeadLetterReason.DIMENSION_MISMATCH,
                    "raw RGB needs positive width and height and 3 channels, got " + width + "x" + height + "x"
                            + channels);
        }
        if ((long) width * height > maxPixels) {
            throw new InvalidImageException(
                    DeadLetterReason.IMAGE_TOO_LARGE,
                    width + "x" + height + " is over the limit of " + maxPixels + " pixels");
        }
        long expected = (long) width * height * channels;
        if (bytes.length != expected) {
            throw new InvalidImageException(
                    DeadLetterReason.DIMENSION_MISMATCH,
                    width + "x" + height + "x" + channels + " needs " + expected + " bytes, got " + bytes.length);
        }
    }

    static byte[] hwcToChw(int width, int height, byte[] hwc) {
        int plane = width * height;
        byte[] chw = new byte[hwc.length];
        for (int p = 0; p < plane; p++) {
            chw[p] = hwc[3 * p];
            chw[plane + p] = hwc[3 * p + 1];
            chw[2 * plane + p] = hwc[3 * p + 2];
        }
        return chw;
    }

    /**
     * Decodes with the reader of the declared format only, once the bytes start like that format:
     * whichever reader recognises the bytes would let a mislabelled file reach code (GIF, TIFF,
     * BMP readers) the contract never asked for.
     */
    private RgbImage decodeFile(PixelFormat format, byte[] bytes) {
        String mismatch = FileSignature.mismatch(format, bytes);
        if (mismatch != null) {
            throw new InvalidImageException(DeadLetterReason.CORRUPT_IMAGE, mismatch);
        }
        // in memory: ImageIO's default may cache the stream in a temporary file
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            ImageReader reader = readerOf(format);
            try {
                reader.setInput(in, true, true);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > maxPixels) {
                    throw new InvalidImageException(
                            DeadLetterReason.IMAGE_TOO_LARGE,
                            format + " of " + reader.getWidth(0) + "x" + reader.getHeight(0) + " is over the limit of "
                                    + maxPixels + " pixels");
                }
                return fromBufferedImage(reader.read(0));
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof InvalidImageException invalid) {
                throw invalid;
            }
            throw new InvalidImageException(
                    DeadLetterReason.CORRUPT_IMAGE, "corrupt " + format + ": " + e.getMessage(), e);
        }
    }

    /** The JDK's reader of the format, which every Java runtime has; a plug-in's only if it is absent. */
    private static ImageReader readerOf(PixelFormat format) {
        List<ImageReader> readers = new ArrayList<>();
        ImageIO.getImageReadersByFormatName(format == PixelFormat.PNG ? "png" : "jpeg")
                .forEachRemaining(readers::add);
        if (readers.isEmpty()) {
            throw new IllegalStateException("this Java runtime has no " + format + " reader");
        }
        ImageReader chosen = readers.stream()
                .filter(r -> r.getClass().getName().startsWith("com.sun.imageio."))
                .findFirst()
                .orElse(readers.get(0));
        readers.stream().filter(r -> r != chosen).forEach(ImageReader::dispose);
        return chosen;
    }

    /** PNG or JPEG when the bytes start with that file's signature, else null: a plain image file sent as a record value. */
    public static PixelFormat fileFormatOf(byte[] bytes) {
        return bytes == null ? null : FileSignature.fileFormat(bytes);
    }

    /** Any Java image (grey, palette, alpha...) as RGB, alpha dropped. */
    public static RgbImage fromBufferedImage(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        int plane = w * h;
        byte[] chw = new byte[plane * 3];
        for (int p = 0; p < plane; p++) {
            chw[p] = (byte) (argb[p] >> 16);
            chw[plane + p] = (byte) (argb[p] >> 8);
            chw[2 * plane + p] = (byte) argb[p];
        }
        return new RgbImage(w, h, chw);
    }
}
