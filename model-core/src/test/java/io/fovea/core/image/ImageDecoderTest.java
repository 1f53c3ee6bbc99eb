package io.fovea.core.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.avro.DeadLetterReason;
import io.fovea.avro.PixelFormat;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {
    private final ImageDecoder decoder = new ImageDecoder(1_000_000);

    /** 3x2 image: pixel (x, y) has R = 10x, G = 100 + y, B = 200. */
    private static BufferedImage sample() {
        BufferedImage image = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                image.setRGB(x, y, (10 * x) << 16 | (100 + y) << 8 | 200);
            }
        }
        return image;
    }

    private static byte[] encode(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, format, out);
        return out.toByteArray();
    }

    @Test
    void hwcAndChwAndPngDecodeToTheSamePlanarImage() throws IOException {
        RgbImage expected = ImageDecoder.fromBufferedImage(sample());
        byte[] hwc = new byte[18];
        for (int p = 0; p < 6; p++) {
            for (int c = 0; c < 3; c++) {
                hwc[3 * p + c] = expected.chw()[c * 6 + p];
            }
        }
        assertArrayEquals(
                expected.chw(),
                decoder.decode(PixelFormat.RGB8_HWC, 3, 2, 3, hwc).chw());
        assertArrayEquals(
                expected.chw(),
                decoder.decode(PixelFormat.RGB8_CHW, 3, 2, 3, expected.chw()).chw());
        RgbImage png = decoder.decode(PixelFormat.PNG, 0, 0, 3, encode(sample(), "png"));
        assertEquals(3, png.width());
        assertArrayEquals(expected.chw(), png.chw());
        assertEquals(20, expected.at(0, 1, 2));
        assertEquals(101, expected.at(1, 1, 2));
    }

    @Test
    void rawBytesThatDoNotMatchTheDimensionsAreADimensionMismatch() {
        InvalidImageException e = assertThrows(
                InvalidImageException.class, () -> decoder.decode(PixelFormat.RGB8_HWC, 32, 32, 3, new byte[100]));
        assertEquals(DeadLetterReason.DIMENSION_MISMATCH, e.reason());
        assertEquals("32x32x3 needs 3072 bytes, got 100", e.getMessage());
        assertEquals(
                DeadLetterReason.DIMENSION_MISMATCH,
                assertThrows(
                                InvalidImageException.class,
                                () -> decoder.decode(PixelFormat.RGB8_CHW, 2, 2, 4, new byte[16]))
                        .reason());
    }

    @Test
    void corruptPngAndJpegAreCorruptImages() throws IOException {
        byte[] png = encode(sample(), "png");
        assertEquals(
                DeadLetterReason.CORRUPT_IMAGE,
                assertThrows(
                                InvalidImageException.class,
                                () -> decoder.decode(PixelFormat.PNG, 3, 2, 3, Arrays.copyOf(png, png.length / 2)))
                        .reason());
        assertEquals(
                DeadLetterReason.CORRUPT_IMAGE,
                assertThrows(
                                InvalidImageException.class,
                                () -> decoder.decode(PixelFormat.JPEG, 3, 2, 3, "not a jpeg".getBytes()))
                        .reason());
    }

    @Test
    void hugeImageIsRefusedFromItsHeaderBeforeDecoding() throws IOException {
        byte[] big = encode(new BufferedImage(2000, 1000, BufferedImage.TYPE_INT_RGB), "png");
        InvalidImageException e = assertThrows(
                InvalidImageException.class,
                () -> new ImageDecoder(1_000_000).decode(PixelFormat.PNG, 2000, 1000, 3, big));
        assertEquals(DeadLetterReason.IMAGE_TOO_LARGE, e.reason());
        assertEquals(
                DeadLetterReason.IMAGE_TOO_LARGE,
                assertThrows(
                                InvalidImageException.class,
                                () -> new ImageDecoder(100).decode(PixelFormat.RGB8_CHW, 20, 20, 3, new byte[1200]))
                        .reason());
    }

    @Test
    void aGifDeclaredAsPngIsRefusedNamingWhatTheBytesLookLike() throws IOException {
        InvalidImageException e = assertThrows(
                InvalidImageException.class, () -> decoder.decode(PixelFormat.PNG, 3, 2, 3, encode(sample(), "gif")));
        assertEquals(DeadLetterReason.CORRUPT_IMAGE, e.reason());
        assertEquals("declared PNG but the bytes start like a GIF (47 49 46 38 39 61 03 00 ...)", e.getMessage());
    }

    @Test
    void aPngDeclaredAsJpegIsRefusedAndAJpegDeclaredAsPngToo() throws IOException {
        assertEquals(
                "declared JPEG but the bytes start like a PNG (89 50 4E 47 0D 0A 1A 0A ...)",
                assertThrows(
                                InvalidImageException.class,
                                () -> decoder.decode(PixelFormat.JPEG, 3, 2, 3, encode(sample(), "png")))
                        .getMessage());
        assertTrue(assertThrows(
                        InvalidImageException.class,
                        () -> decoder.decode(PixelFormat.PNG, 3, 2, 3, encode(sample(), "jpeg")))
                .getMessage()
                .startsWith("declared PNG but the bytes start like a JPEG (FF D8 FF"));
    }

    @Test
    void anImageOfExactlyTheLimitIsDecodedAndOnePixelOverIsTooLarge() throws IOException {
        byte[] png = encode(sample(), "png");
        assertEquals(
                3, new ImageDecoder(6).decode(PixelFormat.PNG, 0, 0, 3, png).width());
        assertEquals(
                DeadLetterReason.IMAGE_TOO_LARGE,
                assertThrows(
                                InvalidImageException.class,
                                () -> new ImageDecoder(5).decode(PixelFormat.PNG, 0, 0, 3, png))
                        .reason());
        assertEquals(
                2,
                new ImageDecoder(6)
                        .decode(PixelFormat.RGB8_CHW, 3, 2, 3, new byte[18])
                        .height());
        assertEquals(
                DeadLetterReason.IMAGE_TOO_LARGE,
                assertThrows(
                                InvalidImageException.class,
                                () -> new ImageDecoder(5).decode(PixelFormat.RGB8_HWC, 3, 2, 3, new byte[18]))
                        .reason());
    }
}
