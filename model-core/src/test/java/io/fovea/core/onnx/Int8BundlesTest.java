package io.fovea.core.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.core.bundle.BundleIntegrityException;
import io.fovea.core.bundle.BundleManifest;
import io.fovea.core.bundle.ModelFiles;
import io.fovea.core.bundle.ModelFormat;
import io.fovea.core.image.RandomImages;
import io.fovea.core.image.RgbImage;
import io.fovea.core.onnx.quant.CalibrationMethod;
import io.fovea.core.onnx.quant.QuantizationData;
import io.fovea.core.onnx.quant.SmallModels;
import io.fovea.core.onnx.quant.WeightBits;
import io.fovea.core.preprocess.Preprocessing;
import io.fovea.core.runtime.CpuFeatures;
import io.fovea.core.store.DirectoryModelStore;
import io.fovea.core.store.StagedBundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Int8BundlesTest {
    private static final List<String> LABELS = List.of("a", "b", "c", "d");

    @TempDir
    Path root;

    @Test
    void theInt8ModelJoinsTheBundleUnderItsChecksumWithTheGatesFigures() throws Exception {
        DirectoryModelStore store = storeWithOneVersion();
        byte[] manifestBefore = Files.readAllBytes(store.versionDir("m", 1).resolve(BundleManifest.FILE_NAME));
        QuantizationData data = new QuantizationData(
                RandomImages.of(64, SmallModels.SIDE, 1), RandomImages.of(200, SmallModels.SIDE, 2), null);

        Int8Bundles.Quantized quantized =
                Int8Bundles.addTo(store, "m", 1, data, CalibrationMethod.MINMAX, WeightBits.DEFAULT);

        BundleManifest manifest = store.manifest("m", 1);
        assertEquals(quantized.manifest(), manifest);
        assertEquals(List.of(ModelFormat.ONNX_FILE, ModelFormat.ONNX_INT8_FILE), manifest.modelFiles());
        assertEquals(
                ModelFormat.ONNX_INT8_FILE,
                manifest.model(ModelFormat.ONNX_INT8).orElseThrow().file());
        assertTrue(
                manifest.metrics().get("int8_agreement") >= 0.98,
                manifest.metrics().toString());
        assertEquals(200.0, manifest.metrics().get("int8_gate_images"));
        assertEquals(7.0, manifest.metrics().get(Int8Bundles.WEIGHT_BITS));
        assertEquals(
                CpuFeatures.ofThisMachine().int8PairsSaturate() ? 1.0 : 0.0,
                manifest.metrics().get(Int8Bundles.GATE_PAIRS_SATURATE));
        assertFalse(manifest.metrics().containsKey("int8_test_accuracy"), "no labels, no top-1");
        assertFalse(Arrays.equals(
                manifestBefore, Files.readAllBytes(store.versionDir("m", 1).resolve("manifest.json"))));
        Path dir = store.versionDir("m", 1);
        assertEquals(ModelFiles.sha256(dir, manifest.modelFiles()), manifest.sha256());
        byte[] int8 =
                store.verified("m", 1, List.of(ModelFormat.ONNX_INT8_FILE)).file(ModelFormat.ONNX_INT8_FILE);
        assertArrayEquals(Files.readAllBytes(dir.resolve(ModelFormat.ONNX_INT8_FILE)), int8);

        // one changed byte in the int8 model and the version no longer loads
        int8[int8.length / 2] ^= 1;
        Files.write(dir.resolve(ModelFormat.ONNX_INT8_FILE), int8);
        assertThrows(BundleIntegrityException.class, () -> store.verified("m", 1, List.of(ModelFormat.ONNX_INT8_FILE)));
    }

    @Test
    void aModelThatMissesTheGateIsRefusedAndTheBundleStaysAsItWas() throws Exception {
        DirectoryModelStore store = storeWithOneVersion();
        Path dir = store.versionDir("m", 1);
        byte[] manifestBefore = Files.readAllBytes(dir.resolve(BundleManifest.FILE_NAME));
        // calibrated on flat grey images only: every real activation range is far too narrow
        List<RgbImage> grey = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            byte[] chw = new byte[3 * SmallModels.SIDE * SmallModels.SIDE];
            Arrays.fill(chw, (byte) 128);
            grey.add(new RgbImage(SmallModels.SIDE, SmallModels.SIDE, chw));
        }
        List<RgbImage> test = RandomImages.of(200, SmallModels.SIDE, 2);
        int[] labels = new int[test.size()];
        QuantizationData data = new QuantizationData(grey, test, labels);

        Int8Bundles.Refused refused = assertThrows(
                Int8Bundles.Refused.class,
                () -> Int8Bundles.addTo(store, "m", 1, data, CalibrationMethod.MINMAX, WeightBits.DEFAULT));

        assertTrue(refused.getMessage().contains("agreement missed by"), refused.getMessage());
        assertFalse(refused.gate().passes());
        assertFalse(Files.exists(dir.resolve(ModelFormat.ONNX_INT8_FILE)));
        assertArrayEquals(manifestBefore, Files.readAllBytes(dir.resolve(BundleManifest.FILE_NAME)));
    }

    @Test
    void onlyEightBitWeightsGatedWithVnniMayDriftOnAnX86WithoutIt() throws Exception {
        BundleManifest before = storeWithOneVersion().manifest("m", 1); // quantized before the width was recorded
        CpuFeatures vnni = new CpuFeatures(Set.of("avx2", "avx512f", "avx512_vnni"), true);
        CpuFeatures avx2 = new CpuFeatures(Set.of("avx2", "fma"), true);
        CpuFeatures arm = new CpuFeatures(Set.of("asimd", "asimddp"), false);
        BundleManifest eightGatedOnVnni =
                before.withMetrics(Map.of(Int8Bundles.WEIGHT_BITS, 8.0, Int8Bundles.GATE_PAIRS_SATURATE, 0.0));
        BundleManifest eightGatedOnAvx2 =
                before.withMetrics(Map.of(Int8Bundles.WEIGHT_BITS, 8.0, Int8Bundles.GATE_PAIRS_SATURATE, 1.0));
        BundleManifest seven =
                before.withMetrics(Map.of(Int8Bundles.WEIGHT_BITS, 7.0, Int8Bundles.GATE_PAIRS_SATURATE, 0.0));

        assertTrue(Int8Bundles.mayDriftFromGate(eightGatedOnVnni, avx2));
        assertTrue(Int8Bundles.mayDriftFromGate(before, avx2), "no record: eight bits, gate CPU unknown");
        assertFalse(Int8Bundles.mayDriftFromGate(eightGatedOnVnni, vnni));
        assertFalse(Int8Bundles.mayDriftFromGate(eightGatedOnVnni, arm));
        assertFalse(Int8Bundles.mayDriftFromGate(eightGatedOnAvx2, avx2), "the gate saw the saturation");
        assertFalse(Int8Bundles.mayDriftFromGate(seven, avx2));
        assertFalse(
                Int8Bundles.mayDriftFromGate(eightGatedOnVnni, new CpuFeatures(Set.of(), true)),
                "flags unknown: no claim");
    }

    private DirectoryModelStore storeWithOneVersion() throws Exception {
        DirectoryModelStore store = new DirectoryModelStore(root);
        try (StagedBundle staged = store.stage("m")) {
            Files.write(staged.dir().resolve(ModelFormat.ONNX_FILE), SmallModels.vggLike(5));
            List<String> files = List.of(ModelFormat.ONNX_FILE);
            staged.commit(new BundleManifest(
                    "m",
                    staged.version(),
                    Instant.now(),
                    "small",
                    "none",
                    LABELS,
                    Preprocessing.fitted(SmallModels.SIDE, new double[] {128, 128, 128}, new double[] {64, 64, 64}),
                    files,
                    ModelFiles.sha256(staged.dir(), files),
                    Map.of(),
                    Map.of(),
                    Map.of("test_accuracy", 0.5),
                    "test",
                    List.of(ModelFormat.exportedOnnx())));
        }
        return store;
    }
}
