package io.fovea.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.core.bundle.BundleIntegrityException;
import io.fovea.core.bundle.BundleManifest;
import io.fovea.core.bundle.ModelFormat;
import io.fovea.core.onnx.Int8Bundles;
import io.fovea.core.onnx.quant.AccuracyGate;
import io.fovea.core.runtime.CpuFeatures;
import io.fovea.core.store.DirectoryModelStore;
import io.fovea.stream.model.ModelRunner;
import io.fovea.stream.model.Probabilities;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The version {@code bench pipeline --precision int8} serves: its int8 model as serve and the plain loop find it. */
class BenchVersionsTest {
    @TempDir
    Path dir;

    @Test
    void anInt8VersionHoldsTheQuantizedModelUnderItsChecksumAndServesAtInt8() {
        DirectoryModelStore store = new DirectoryModelStore(dir);
        AccuracyGate gate = BenchVersions.publish(store, true);
        BundleManifest manifest = store.manifest("bench", 1);

        assertTrue(manifest.model(ModelFormat.ONNX_INT8).isPresent(), "the manifest names the int8 model");
        assertTrue(manifest.modelFiles().contains(ModelFormat.ONNX_INT8_FILE));
        assertEquals(BenchVersions.GATE_IMAGES, gate.images(), "the gate was measured, to be printed");
        assertEquals(7.0, manifest.metric(Int8Bundles.WEIGHT_BITS), "its weight width, recorded");
        assertFalse(
                Int8Bundles.mayDriftFromGate(manifest, new CpuFeatures(Set.of("avx2", "fma"), true)),
                "7-bit weights: no warning on a CPU without VNNI");
        try (ModelRunner int8 = PrecisionModels.stored(store, "bench", 1, PrecisionModels.INT8)) {
            Probabilities scores = int8.predict(BenchModel.images(4, 32, 3));
            assertEquals(4, scores.rows());
            assertEquals(10, scores.labels());
            for (int i = 0; i < 4; i++) {
                double sum = 0;
                for (float p : scores.row(i)) {
                    sum += p;
                }
                assertEquals(1.0, sum, 1e-3, "probabilities");
            }
        }

        BenchVersions.corrupt(store.versionDir("bench", 1).resolve(ModelFormat.ONNX_INT8_FILE));
        assertThrows(
                BundleIntegrityException.class,
                () -> store.verified("bench", 1, List.of(ModelFormat.ONNX_INT8_FILE)),
                "the checksum covers the int8 model");
    }

    @Test
    void anFp32VersionHasNoInt8ModelAndIsRefusedAtInt8() {
        DirectoryModelStore store = new DirectoryModelStore(dir);
        assertNull(BenchVersions.publish(store, false));

        assertTrue(store.manifest("bench", 1).model(ModelFormat.ONNX_INT8).isEmpty());
        assertThrows(
                RuntimeException.class,
                () -> PrecisionModels.stored(store, "bench", 1, PrecisionModels.INT8)
                        .close());
    }
}
