package io.fovea.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.core.dataset.CifarBinaryDataset;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What bench pipeline writes: labelled images keep their labels, in turn, and random ones have none. */
class BenchImagesTest {
    @TempDir
    Path dir;

    @Test
    void aFolderGivesItsTestBatchWithEachImagesLabelInTurn() throws Exception {
        Files.write(dir.resolve(BenchImages.TEST_BATCH), cifar(new int[] {7, 2, 9}));
        Files.write(dir.resolve("data_batch_1.bin"), cifar(new int[] {1}));

        BenchImages images = BenchImages.labelled(dir);

        assertTrue(images.isLabelled());
        assertEquals(3, images.images().size(), "the test batch only, never a training batch");
        assertEquals(7, images.label(0));
        assertEquals(9, images.label(2));
        assertEquals(7, images.label(3), "in turn");
        assertArrayEquals(pixels(1), images.image(1).chw());
        assertArrayEquals(pixels(0), images.image(3).chw());
    }

    @Test
    void aFileIsReadAsItIs() throws Exception {
        Path file = dir.resolve("mine.bin");
        Files.write(file, cifar(new int[] {4, 5}));

        assertEquals(5, BenchImages.labelled(file).label(1));
    }

    @Test
    void aFolderWithoutATestBatchIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BenchImages.labelled(dir));

        assertTrue(e.getMessage().contains(BenchImages.TEST_BATCH), e.getMessage());
    }

    @Test
    void randomImagesHaveNoLabels() {
        BenchImages images = BenchImages.random(4, 7);

        assertFalse(images.isLabelled());
        assertNull(images.label(2));
    }

    /** CIFAR-10 records: a label byte, then 3x32x32 pixels, each image's bytes its own. */
    private static byte[] cifar(int[] labels) {
        byte[] bytes = new byte[labels.length * CifarBinaryDataset.RECORD_BYTES];
        for (int i = 0; i < labels.length; i++) {
            bytes[i * CifarBinaryDataset.RECORD_BYTES] = (byte) labels[i];
            System.arraycopy(
                    pixels(i), 0, bytes, i * CifarBinaryDataset.RECORD_BYTES + 1, CifarBinaryDataset.PIXEL_BYTES);
        }
        return bytes;
    }

    private static byte[] pixels(int i) {
        byte[] pixels = new byte[CifarBinaryDataset.PIXEL_BYTES];
        for (int p = 0; p < pixels.length; p++) {
            pixels[p] = (byte) (p * (i + 3));
        }
        return pixels;
    }
}
