package io.fovea.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.core.bundle.BundleManifest;
import io.fovea.core.bundle.ModelFormat;
import io.fovea.core.dataset.ClassLabels;
import io.fovea.core.onnx.Int8Bundles;
import io.fovea.core.runtime.NativeBackend;
import io.fovea.core.store.DirectoryModelStore;
import io.fovea.testing.CifarFiles;
import io.fovea.testing.ForeignOnnxModels;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/fovea models quantize}, as a user runs it, at each weight width. */
class ModelsQuantizeTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void backend() {
        NativeBackend.configure();
    }

    @Test
    void aVersionIsQuantizedAtTheWidthAskedForAndTheManifestSaysWhich() throws Exception {
        DirectoryModelStore store = new DirectoryModelStore(dir.resolve("store"));
        Path data = dir.resolve("cifar");
        CifarFiles.write(data.resolve("data_batch_1.bin"), 64);
        CifarFiles.write(data.resolve("test_batch.bin"), 200);
        importVersion(1);
        importVersion(2);

        CliRun seven = quantize("t@1");
        CliRun eight = quantize("t@2", "--weight-bits", "8");

        assertEquals(0, seven.exitCode(), seven.err());
        assertTrue(seven.out().contains("Quantizing t@1 (7-bit weights)"), seven.out());
        assertEquals(7.0, store.manifest("t", 1).metrics().get(Int8Bundles.WEIGHT_BITS));
        assertEquals(0, eight.exitCode(), eight.err());
        assertTrue(eight.out().contains("Quantizing t@2 (8-bit weights)"), eight.out());
        BundleManifest manifest = store.manifest("t", 2);
        assertEquals(8.0, manifest.metrics().get(Int8Bundles.WEIGHT_BITS));
        assertTrue(manifest.model(ModelFormat.ONNX_INT8).isPresent());
        assertTrue(
                manifest.metrics().containsKey(Int8Bundles.GATE_PAIRS_SATURATE),
                manifest.metrics().toString());
    }

    @Test
    void aWidthOtherThanSevenOrEightIsRefusedAndTheVersionStaysAsItWas() throws Exception {
        DirectoryModelStore store = new DirectoryModelStore(dir.resolve("store"));
        CifarFiles.write(dir.resolve("cifar").resolve("data_batch_1.bin"), 64);
        CifarFiles.write(dir.resolve("cifar").resolve("test_batch.bin"), 50);
        importVersion(1);

        CliRun refused = quantize("t@1", "--weight-bits", "4");

        assertNotEquals(0, refused.exitCode());
        assertTrue(refused.err().contains("weight bits must be 7 or 8, got '4'"), refused.err());
        assertFalse(store.manifest("t", 1).model(ModelFormat.ONNX_INT8).isPresent());
    }

    /** A model another framework hands over (one dense layer, CIFAR-10's classes), imported as t@N. */
    private void importVersion(long seed) throws Exception {
        Path file = dir.resolve("dense-" + seed + ".onnx");
        ForeignOnnxModels.dense(file, 32, 10, false, false, 0, seed);
        CliRun imported = CliRun.of(
                "models",
                "import",
                "t",
                "--onnx",
                file.toString(),
                "--labels",
                String.join(",", ClassLabels.CIFAR10),
                "--input-size",
                "32",
                "--normalize",
                "unit",
                "--store",
                dir.resolve("store").toString());
        assertEquals(0, imported.exitCode(), imported.err());
    }

    private CliRun quantize(String version, String... more) {
        String[] base = {
            "models",
            "quantize",
            version,
            "--data",
            dir.resolve("cifar").toString(),
            "--calibration-images",
            "32",
            "--store",
            dir.resolve("store").toString()
        };
        String[] args = new String[base.length + more.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return CliRun.of(args);
    }
}
