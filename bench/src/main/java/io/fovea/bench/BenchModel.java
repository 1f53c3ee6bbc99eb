package io.fovea.bench;

import io.fovea.core.bundle.BundleManifest;
import io.fovea.core.dataset.ClassLabels;
import io.fovea.core.image.RandomImages;
import io.fovea.core.image.RgbImage;
import io.fovea.core.preprocess.Preprocessing;
import io.fovea.core.runtime.NativeBackend;
import io.fovea.core.runtime.ServingGraph;
import io.fovea.stream.model.ModelRunner;
import io.fovea.stream.model.backend.Dl4jModelRunner;
import io.fovea.trainer.model.Vgg16Architecture;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;

/** The model the benchmark measures: plain VGG16 plus the classic head, random weights, as a servable runner. */
final class BenchModel {
    private BenchModel() {}

    static Vgg16Architecture architecture(int inputSize) {
        return new Vgg16Architecture(Vgg16Architecture.Variant.VGG16, inputSize, 10, 1);
    }

    /**
     * @param oneDnnHelpers true: the graph as {@code serve} builds it ({@link ServingGraph}); false:
     *     stock DL4J on its built-in convolution path, for comparison
     */
    static ModelRunner runner(int inputSize, boolean oneDnnHelpers) {
        String before = System.getProperty(NativeBackend.HELPERS_DISABLE);
        System.setProperty(NativeBackend.HELPERS_DISABLE, Boolean.toString(!oneDnnHelpers));
        ComputationGraph graph;
        try {
            var configuration = architecture(inputSize).whole(1e-3);
            graph = new ComputationGraph(oneDnnHelpers ? ServingGraph.forServing(configuration) : configuration);
            graph.init();
        } finally {
            System.setProperty(NativeBackend.HELPERS_DISABLE, before == null ? "false" : before);
        }
        Preprocessing preprocessing = Preprocessing.vggImagenetMean(inputSize);
        BundleManifest manifest = new BundleManifest(
                "bench-vgg16",
                1,
                Instant.now(),
                "vgg16",
                "none",
                ClassLabels.CIFAR10,
                preprocessing,
                List.of(),
                "",
                Map.of(),
                Map.of(),
                Map.of(),
                "bench",
                List.of());
        return new Dl4jModelRunner(manifest, graph);
    }

    static List<RgbImage> images(int n, int side, long seed) {
        return RandomImages.of(n, side, seed);
    }

    /** Images per second of forward passes of {@code batch} images, over about {@code seconds}. */
    static double bareImagesPerSecond(ModelRunner model, int batch, double seconds) {
        List<RgbImage> images = images(batch, 32, batch);
        for (int i = 0; i < 3; i++) {
            model.predict(images);
        }
        long start = System.nanoTime();
        long done = 0;
        while (System.nanoTime() - start < seconds * 1e9) {
            model.predict(images);
            done += batch;
        }
        return done / ((System.nanoTime() - start) / 1e9);
    }
}
