package io.fovea.bench;

import io.fovea.core.bundle.BundleManifest;
import io.fovea.core.bundle.ModelFiles;
import io.fovea.core.bundle.ModelFormat;
import io.fovea.core.dataset.ClassLabels;
import io.fovea.core.onnx.OnnxBundles;
import io.fovea.core.preprocess.Preprocessing;
import io.fovea.core.store.ModelStore;
import io.fovea.core.store.StagedBundle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;

/** Versions of the benchmark's model in a store, for the benchmarks and tests that serve them. */
final class BenchVersions {
    private BenchVersions() {}

    /** A new version of the benchmark's VGG16 (random weights), with its ONNX export. */
    static void publish(ModelStore store) {
        ComputationGraph graph =
                new ComputationGraph(BenchModel.architecture(32).whole(1e-3));
        graph.init();
        try (StagedBundle staged = store.stage("bench")) {
            ModelFiles.write(graph, staged.dir());
            List<String> files = OnnxBundles.writeBeside(graph, 32, staged.dir());
            String sha256 = ModelFiles.sha256(staged.dir(), files);
            staged.commit(new BundleManifest(
                    "bench",
                    staged.version(),
                    Instant.now(),
                    "vgg16",
                    "none",
                    ClassLabels.CIFAR10,
                    Preprocessing.vggImagenetMean(32),
                    files,
                    sha256,
                    Map.of(),
                    Map.of(),
                    Map.of(),
                    "bench",
                    List.of(ModelFormat.dl4j(), ModelFormat.exportedOnnx())));
        } finally {
            graph.close();
        }
    }

    /** Flips bits in the middle of {@code file}: a version whose parameters no longer match its checksum. */
    static void corrupt(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            bytes[bytes.length / 2] ^= 0x55;
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
