package io.fovea.stream.model.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.core.bundle.BundleManifest;
import io.fovea.core.bundle.ModelFormat;
import io.fovea.core.image.RandomImages;
import io.fovea.core.image.RgbImage;
import io.fovea.core.onnx.Int8Bundles;
import io.fovea.core.onnx.OnnxBundles;
import io.fovea.core.onnx.quant.CalibrationMethod;
import io.fovea.core.onnx.quant.QuantizationData;
import io.fovea.core.onnx.quant.WeightBits;
import io.fovea.core.runtime.CpuFeatures;
import io.fovea.core.runtime.NativeBackend;
import io.fovea.core.store.DirectoryModelStore;
import io.fovea.stream.config.StreamConfig;
import io.fovea.stream.model.ModelRunner;
import io.fovea.stream.model.Probabilities;
import io.fovea.testing.TinyBundles;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Under model.precision=int8 a version's model.int8.onnx is what serves, and a version without one is refused. */
class Int8PrecisionTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void backend() {
        NativeBackend.configure();
    }

    @Test
    void int8ServesTheInt8ModelAndRefusesAVersionWithoutOne() {
        DirectoryModelStore store = new DirectoryModelStore(dir);
        int quantized = TinyBundles.publish(store, "t", 1);
        OnnxBundles.addTo(store, "t", quantized);
        List<RgbImage> images = RandomImages.of(256, 32, 3);
        Int8Bundles.addTo(
                store,
                "t",
                quantized,
                new QuantizationData(images.subList(0, 128), images.subList(128, 256), null),
                CalibrationMethod.MINMAX,
                WeightBits.DEFAULT);
        int fp32Only = TinyBundles.publish(store, "t", 2);
        OnnxBundles.addTo(store, "t", fp32Only);

        List<RgbImage> probe = RandomImages.of(16, 32, 9);
        for (String backend : List.of("onnxruntime", "dl4j")) {
            StreamConfig config = StreamConfig.of(
                    Map.of("bootstrap.servers", "127.0.0.1:9", "model.backend", backend, "model.precision", "int8"));
            Backends backends = config.backends();
            assertEquals(
                    "onnxruntime",
                    backends.backendFor(store.manifest("t", quantized)).name());
            try (ModelRunner int8 = backends.open(store, "t", quantized);
                    ModelRunner fp32 = StreamConfig.of(Map.of("bootstrap.servers", "127.0.0.1:9"))
                            .backends()
                            .open(store, "t", quantized)) {
                assertEquals(
                        ModelFormat.ONNX_INT8, ((OnnxModelRunner) int8).format().format());
                assertEquals(ModelFormat.ONNX, ((OnnxModelRunner) fp32).format().format());
                Probabilities a = int8.predict(probe);
                Probabilities b = fp32.predict(probe);
                double worst = a.maxAbsDifference(b);
                assertTrue(worst < 0.05, "int8 and fp32 probabilities differ by " + worst);
                assertTrue(worst > 0, "int8 answers exactly as fp32: the int8 model is not what runs");
            }
            IllegalStateException refused =
                    assertThrows(IllegalStateException.class, () -> backends.open(store, "t", fp32Only));
            assertTrue(
                    refused.getMessage().contains("holds no int8 model")
                            && refused.getMessage().contains("bin/fovea models quantize t@" + fp32Only),
                    refused.getMessage());
        }
        IllegalArgumentException wrong = assertThrows(
                IllegalArgumentException.class,
                () -> StreamConfig.of(Map.of("bootstrap.servers", "127.0.0.1:9", "model.precision", "int4")));
        assertTrue(wrong.getMessage().contains("fp32 or int8"), wrong.getMessage());
    }

    @Test
    void anEightBitModelGatedWithVnniIsNamedWhenOpenedWhereProductPairsSaturate() {
        DirectoryModelStore store = new DirectoryModelStore(dir);
        int version = TinyBundles.publish(store, "t", 1);
        BundleManifest gatedOnVnni = store.manifest("t", version)
                .withMetrics(Map.of(Int8Bundles.WEIGHT_BITS, 8.0, Int8Bundles.GATE_PAIRS_SATURATE, 0.0));
        CpuFeatures avx2 = new CpuFeatures(Set.of("avx2", "fma"), true);

        String warning = OnnxRuntimeBackend.driftWarning(gatedOnVnni, avx2).orElseThrow();
        assertTrue(
                warning.startsWith("t@" + version + "'s int8 model has 8-bit weights")
                        && warning.contains("(avx2)")
                        && warning.contains("bench model --model t@" + version + " --test-data")
                        && warning.contains("--weight-bits 7"),
                warning);
        assertTrue(OnnxRuntimeBackend.driftWarning(gatedOnVnni, new CpuFeatures(Set.of("avx2", "avx512_vnni"), true))
                .isEmpty());
        assertTrue(OnnxRuntimeBackend.driftWarning(gatedOnVnni.withMetrics(Map.of(Int8Bundles.WEIGHT_BITS, 7.0)), avx2)
                .isEmpty());
    }
}
