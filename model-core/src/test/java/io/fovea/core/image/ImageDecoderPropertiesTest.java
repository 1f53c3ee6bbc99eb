package io.fovea.core.image;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.fovea.avro.PixelFormat;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Hostile bytes declared as PNG or JPEG: whatever they are, the decoder returns a valid image or
 * refuses them with a reason ({@link InvalidImageException}), never another exception or an
 * Error, and what it allocates is bounded by the input's length and the pixel limit.
 */
class ImageDecoderPropertiesTest {
    private static final long MAX_PIXELS = 64 * 64;
    private static final ImageDecoder DECODER = new ImageDecoder(MAX_PIXELS);
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    static {
        // ImageIO's registry and readers load once per JVM: not part of any one decode
        for (String format : new String[] {"png", "jpeg"}) {
            byte[] warm = encode(image(8, 8, 1), format);
            DECODER.decode(format.equals("png") ? PixelFormat.PNG : PixelFormat.JPEG, 0, 0, 3, warm);
        }
    }

    @Property(tries = 500)
    void randomBytesAreRefusedOrDecoded(@ForAll @Size(max = 4096) byte[] bytes, @ForAll boolean png) {
        decodesOrRefuses(png ? PixelFormat.PNG : PixelFormat.JPEG, bytes);
    }

    @Property(tries = 150)
    void randomBytesAfterAValidSignatureAreRefusedOrDecoded(
            @ForAll @Size(max = 2048) byte[] tail, @ForAll boolean png) {
        byte[] start = png
                ? new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}
                : new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF};
        decodesOrRefuses(png ? PixelFormat.PNG : PixelFormat.JPEG, concat(start, tail));
    }

    @Property(tries = 150)
    void aPngHeaderClaimingAnyDimensionsIsRefusedOrDecoded(
            @ForAll @IntRange(min = 0) int width,
            @ForAll @IntRange(min = 0) int height,
            @ForAll @Size(max = 512) byte[] idat) {
        decodesOrRefuses(PixelFormat.PNG, png(width, height, idat));
    }

    @Property(tries = 150)
    void aJpegHeaderClaimingAnyDimensionsIsRefusedOrDecoded(
            @ForAll @IntRange(max = 0xFFFF) int width, @ForAll @IntRange(max = 0xFFFF) int height) {
        byte[] jpeg = encode(image(16, 16, 7), "jpeg");
        int sof = indexOf(jpeg, (byte) 0xFF, (byte) 0xC0);
        ByteBuffer.wrap(jpeg, sof + 5, 4).putShort((short) height).putShort((short) width);
        decodesOrRefuses(PixelFormat.JPEG, jpeg);
    }

    @Property(tries = 150)
    void aTruncatedFileIsRefusedOrDecoded(
            @ForAll("validFiles") Encoded file, @ForAll @IntRange(max = 100) int percent) {
        decodesOrRefuses(file.format(), Arrays.copyOf(file.bytes(), file.bytes().length * percent / 100));
    }

    @Property(tries = 150)
    void aMutatedFileIsRefusedOrDecoded(
            @ForAll("validFiles") Encoded file, @ForAll @Size(min = 1, max = 16) int[] positions, @ForAll long seed) {
        byte[] bytes = file.bytes().clone();
        Random random = new Random(seed);
        for (int position : positions) {
            bytes[Math.floorMod(position, bytes.length)] = (byte) random.nextInt(256);
        }
        decodesOrRefuses(file.format(), bytes);
    }

    @Property(tries = 20)
    void aFileOfAnotherFormatDeclaredAsPngOrJpegIsRefusedNamingWhatItIs(
            @ForAll("otherFormats") String other, @ForAll boolean png) {
        byte[] bytes = encode(image(12, 10, 3), other);
        InvalidImageException refused = decodesOrRefuses(png ? PixelFormat.PNG : PixelFormat.JPEG, bytes);
        assertNotNull(refused, other + " declared as " + (png ? "PNG" : "JPEG") + " was decoded");
        assertTrue(refused.getMessage().contains("like a " + other.toUpperCase()), refused.getMessage());
    }

    record Encoded(PixelFormat format, byte[] bytes) {}

    @Provide
    Arbitrary<Encoded> validFiles() {
        return Combinators.combine(
                        Arbitraries.of(PixelFormat.PNG, PixelFormat.JPEG),
                        Arbitraries.integers().between(1, 48),
                        Arbitraries.integers().between(1, 48),
                        Arbitraries.integers())
                .as((format, w, h, seed) ->
                        new Encoded(format, encode(image(w, h, seed), format == PixelFormat.PNG ? "png" : "jpeg")));
    }

    @Provide
    Arbitrary<String> otherFormats() {
        return Arbitraries.of("gif", "bmp", "tiff");
    }

    /** @return the refusal, or null when it decoded */
    private static InvalidImageException decodesOrRefuses(PixelFormat format, byte[] bytes) {
        long thread = Thread.currentThread().getId();
        long before = THREADS.getThreadAllocatedBytes(thread);
        InvalidImageException refused = null;
        try {
            RgbImage image = DECODER.decode(format, 0, 0, 3, bytes);
            assertTrue((long) image.width() * image.height() <= MAX_PIXELS, "over the pixel limit");
        } catch (InvalidImageException e) {
            assertNotNull(e.reason());
            refused = e;
        } catch (Throwable other) {
            fail("neither an image nor a refusal: " + other, other);
        }
        long allocated = THREADS.getThreadAllocatedBytes(thread) - before;
        // 4 MiB: a reader's own tables and buffers (the JPEG reader's), the same whatever the input declares
        long bound = 64L * bytes.length + 16 * MAX_PIXELS + (4 << 20);
        assertTrue(
                allocated <= bound, "allocated " + allocated + " bytes decoding " + bytes.length + ", bound " + bound);
        return refused;
    }

    private static BufferedImage image(int width, int height, int seed) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(seed);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        return image;
    }

    private static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            assertTrue(ImageIO.write(image, format, out), "no writer for " + format);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A PNG with any IHDR dimensions, its chunks' checksums right, so that only the dimensions are hostile. */
    private static byte[] png(int width, int height, byte[] idat) {
        ByteBuffer header = ByteBuffer.allocate(13).putInt(width).putInt(height).put(new byte[] {8, 2, 0, 0, 0});
        return concat(
                new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'},
                chunk("IHDR", header.array()),
                chunk("IDAT", idat),
                chunk("IEND", new byte[0]));
    }

    private static byte[] chunk(String type, byte[] data) {
        byte[] typeAndData = concat(type.getBytes(java.nio.charset.StandardCharsets.US_ASCII), data);
        CRC32 crc = new CRC32();
        crc.update(typeAndData);
        return ByteBuffer.allocate(12 + data.length)
                .putInt(data.length)
                .put(typeAndData)
                .putInt((int) crc.getValue())
                .array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] bytes, byte a, byte b) {
        for (int i = 0; i + 1 < bytes.length; i++) {
            if (bytes[i] == a && bytes[i + 1] == b) {
                return i;
            }
        }
        throw new AssertionError("no SOF0 marker");
    }
}
