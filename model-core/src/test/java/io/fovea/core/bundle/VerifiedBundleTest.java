package io.fovea.core.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
    void aFileReplacedByOneLargerThanTheHeapIsRefusedBeforeAnythingIsRead() throws IOException {
        BundleManifest manifest = bundle();
        long heap = Runtime.getRuntime().maxMemory();
        try (RandomAccessFile sparse = new RandomAccessFile(dir.resolve("b.bin").toFile(), "rw")) {
            sparse.setLength(Math.min(heap, Integer.MAX_VALUE) + 1L); // sparse: no disk used
        }
        BundleIntegrityException e =
                assertThrows(BundleIntegrityException.class, () -> VerifiedBundle.read(dir, manifest, FILES));
        assertTrue(
                e.getMessage().contains("b.bin holds " + (Math.min(heap, Integer.MAX_VALUE) + 1L) + " bytes"),
                e.getMessage());
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
