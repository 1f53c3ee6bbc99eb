package io.fovea.core.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.avro.PixelFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CifarBinaryDatasetTest {
    @TempDir
    Path dir;

    /** Writes records whose label is i % 10 and whose pixels are all (label * 10 + plane). */
    static byte[] batch(int records) {
        byte[] bytes = new byte[records * CifarBinaryDataset.RECORD_BYTES];
        for (int i = 0; i < records; i++) {
            int base = i * CifarBinaryDataset.RECORD_BYTES;
            bytes[base] = (byte) (i % 10);
            for (int plane = 0; plane < 3; plane++) {
                Arrays.fill(
                        bytes, base + 1 + plane * 1024, base + 1 + (plane + 1) * 1024, (byte) ((i % 10) * 10 + plane));
            }
        }
        return bytes;
    }

    @Test
    void readsLabelsAndPlanarPixelsOfEveryRecordInFileOrder() throws IOException {
        Files.write(dir.resolve("data_batch_1.bin"), batch(3));
        Files.write(dir.resolve("data_batch_2.bin"), batch(2));
        Dataset dataset = Dataset.open(dir);
        assertEquals(5, dataset.size());
        assertEquals(ClassLabels.CIFAR10, dataset.labels());
        List<DatasetItem> items = dataset.items().toList();
        assertEquals(
                List.of(0, 1, 2, 0, 1), items.stream().map(DatasetItem::label).toList());
        DatasetItem second = items.get(1);
        assertEquals("data_batch_1.bin#1", second.origin());
        assertEquals(PixelFormat.RGB8_CHW, second.format());
        assertEquals(32, second.width());
        assertEquals(3072, second.bytes().length);
        assertEquals(10, second.bytes()[0]);
        assertEquals(11, second.bytes()[1024]);
        assertEquals(12, second.bytes()[3071]);
    }

    @Test
    void classNamesComeFromBatchesMetaWhenPresent() throws IOException {
        Files.write(dir.resolve("b.bin"), batch(1));
        Files.writeString(dir.resolve("batches.meta.txt"), "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n\n");
        assertEquals(
                List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j"),
                Dataset.open(dir.resolve("b.bin")).labels());
    }

    @Test
    void truncatedBatchIsRefusedNamingTheFileAndTheCutRecord() throws IOException {
        Path file = dir.resolve("data_batch_1.bin");
        Files.write(file, Arrays.copyOf(batch(2), CifarBinaryDataset.RECORD_BYTES + 100));
        DatasetException e = assertThrows(DatasetException.class, () -> Dataset.open(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("record 1 has only 100 bytes"), e.getMessage());
    }

    @Test
    void labelBeyondTheClassListIsRefusedNamingTheRecord() throws IOException {
        byte[] bytes = batch(2);
        bytes[CifarBinaryDataset.RECORD_BYTES] = 42;
        Path file = dir.resolve("bad.bin");
        Files.write(file, bytes);
        DatasetException e = assertThrows(
                DatasetException.class, () -> Dataset.open(file).items().toList());
        assertTrue(e.getMessage().contains("record 1 has label 42"), e.getMessage());
    }

    @Test
    void missingPathIsAClearError() {
        DatasetException e = assertThrows(DatasetException.class, () -> Dataset.open(dir.resolve("nope")));
        assertTrue(e.getMessage().endsWith("nope: does not exist"), e.getMessage());
    }
}
