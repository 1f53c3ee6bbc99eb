package io.fovea.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.core.bundle.BundleManifest;
import io.fovea.core.image.RgbImage;
import io.fovea.core.onnx.quant.QuantizationData;
import io.fovea.core.store.DirectoryModelStore;
import io.fovea.stream.model.ModelRunner;
import io.fovea.stream.model.Probabilities;
import io.fovea.testing.CifarFiles;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench model --model V --test-data PATH}: the version's accuracy measured again here, beside its gate's. */
class PrecisionBenchTest {
    @TempDir
    Path dir;

    @Test
    void aTestSetGetsBothPrecisionsMeasuredHereWithInt8sClassesChecksummed() throws Exception {
        DirectoryModelStore store = new DirectoryModelStore(dir.resolve("store"));
        BenchVersions.publish(store, true);
        BundleManifest manifest = store.manifest("bench", 1);
        Path cifar = dir.resolve("cifar");
        CifarFiles.write(cifar.resolve("test_batch.bin"), 40);
        QuantizationData test = QuantizationData.testOnly(cifar, manifest.labels(), Integer.MAX_VALUE);
        Map<String, ModelRunner> models = new LinkedHashMap<>();
        StringWriter text = new StringWriter();
        try {
            models.put(PrecisionModels.FP32, PrecisionModels.stored(store, "bench", 1, PrecisionModels.FP32));
            models.put(PrecisionModels.INT8, PrecisionModels.stored(store, "bench", 1, PrecisionModels.INT8));

            PrecisionBench.run(models, manifest, test, 32, 1, 0.2, new PrintWriter(text));

            String out = text.toString();
            String here = out.lines()
                    .filter(line -> line.startsWith("| measured here"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(out));
            long crc = checksumOfClasses(models.get(PrecisionModels.INT8), test.test());
            assertTrue(here.endsWith(String.format("| 40 | %08x |", crc)), here + "\n" + out);
            assertTrue(out.contains("| the gate, as the manifest records it (7-bit weights"), out);
        } finally {
            models.values().forEach(ModelRunner::close);
        }
    }

    /** The CRC-32 of each image's class, four bytes big-endian, in batches of 32 as the bench runs them. */
    private static long checksumOfClasses(ModelRunner model, List<RgbImage> images) {
        CRC32 crc = new CRC32();
        for (int from = 0; from < images.size(); from += 32) {
            Probabilities scores = model.predict(images.subList(from, Math.min(images.size(), from + 32)));
            for (int row = 0; row < scores.rows(); row++) {
                crc.update(ByteBuffer.allocate(4).putInt(scores.argMax(row)).array());
            }
        }
        return crc.getValue();
    }
}
