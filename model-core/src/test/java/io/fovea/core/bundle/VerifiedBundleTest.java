package io.fovea.core.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.core.preprocess.Preprocessing;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bundle's files are checked against its manifest, and a replaced one never fills the heap first. */
class VerifiedBundleTest {
    private static final List<String> FILES = List.of("a.bin", "b.bin");

    @TempDir
    Path dir;

    private BundleManifest bundle() throws IOException {
        Files.write(dir.resolve("a.bin"), new byte[] {1, 2, 3});
        Files.write(dir.resolve("b.bin"), new byte[4096]);
        return new BundleManifest(
                "m",
                1,
                Instant.now(),
                "onnx",
                "test",
                List.of("x", "y"),
                Preprocessing.vggImagenetMean(32),
                FILES,
                ModelFiles.sha256(dir, FILES),
                Map.of(),
                Map.of(),
                Map.of(),
                "test",
                List.of());
    }

    @Test
    void theFilesReadAreTheBytesTheManifestDescribes() throws IOException {
        BundleManifest manifest = bundle();
        VerifiedBundle read = VerifiedBundle.read(dir, manifest, List.of("a.bin"));
        assertArrayEquals(new byte[] {1, 2, 3}, read.file("a.bin"));
    }

    @Test
    void aFileReplacedByOneLargerThanTheHeapOrAnyArrayIsRefusedBeforeAnythingIsRead() throws IOException {
        BundleManifest manifest = bundle();
        long heap = 1L << 20;
        sparse(heap + 1); // were it read, a heap of 1 MiB would run out
        BundleIntegrityException overHeap =
                assertThrows(BundleIntegrityException.class, () -> VerifiedBundle.read(dir, manifest, FILES, heap));
        assertTrue(overHeap.getMessage().contains("hold " + (heap + 4) + " bytes"), overHeap.getMessage());

        sparse(Integer.MAX_VALUE + 1L);
        BundleIntegrityException overArray = assertThrows(
                BundleIntegrityException.class, () -> VerifiedBundle.read(dir, manifest, FILES, Long.MAX_VALUE));
        assertTrue(overArray.getMessage().contains("more than a Java array holds"), overArray.getMessage());
    }

    @Test
    void aFileThatGrewOrShrankSinceItWasMeasuredIsRefusedAndNeverReadPastItsSize() throws IOException {
        Path file = dir.resolve("measured.bin");
        Files.write(file, new byte[10]);

        assertEquals(10, VerifiedBundle.readExactly(file, 10).length);
        BundleIntegrityException grew =
                assertThrows(BundleIntegrityException.class, () -> VerifiedBundle.readExactly(file, 9));
        assertTrue(grew.getMessage().contains("held 9 bytes when measured, and more when read"), grew.getMessage());
        BundleIntegrityException shrank =
                assertThrows(BundleIntegrityException.class, () -> VerifiedBundle.readExactly(file, 11));
        assertTrue(
                shrank.getMessage().contains("held 11 bytes when measured, and fewer when read"), shrank.getMessage());
    }

    /** Makes b.bin {@code bytes} long without using the disk. */
    private void sparse(long bytes) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(dir.resolve("b.bin").toFile(), "rw")) {
            file.setLength(bytes);
        }
    }

    @Test
    void filesTakingHalfOfTheHeapAreReadAndOneByteMoreIsRefusedNamingTheHeapItNeeds() throws IOException {
        BundleManifest manifest = bundle(); // 3 + 4096 bytes
        long half = 4099;
        assertEquals(half, VerifiedBundle.mostToRead(2 * half));
        VerifiedBundle read = VerifiedBundle.read(dir, manifest, FILES, 2 * half);
        assertEquals(4096, read.file("b.bin").length, "exactly half of the heap");

        BundleIntegrityException e = assertThrows(
                BundleIntegrityException.class, () -> VerifiedBundle.read(dir, manifest, FILES, 2 * half - 1));
        assertTrue(
                e.getMessage()
                        .contains("a.bin + b.bin hold 4099 bytes, more than half of this JVM's heap (8197 bytes)"),
                e.getMessage());
        assertTrue(e.getMessage().contains("give it a heap of at least 1 MiB (-Xmx)"), e.getMessage());
    }

    @Test
    void aLargeReplacedFileIsRefusedByItsChecksumOnDiskBeforeItIsReadIntoTheHeap() throws IOException {
        BundleManifest manifest = bundle();
        Files.write(dir.resolve("b.bin"), new byte[8192]); // twice as large, under the heap
        // a heap of 40 KiB: the 8 KiB to read is over an eighth of it, so the disk is checked first
        BundleIntegrityException e = assertThrows(
                BundleIntegrityException.class, () -> VerifiedBundle.read(dir, manifest, FILES, 40 * 1024));
        assertTrue(e.getMessage().contains("a file is corrupt or was replaced (checked on disk"), e.getMessage());
        // when what is read is small, one check over the bytes read
        BundleIntegrityException small =
                assertThrows(BundleIntegrityException.class, () -> VerifiedBundle.read(dir, manifest, FILES, 1L << 30));
        assertTrue(small.getMessage().endsWith("a file is corrupt or was replaced"), small.getMessage());
    }
}
