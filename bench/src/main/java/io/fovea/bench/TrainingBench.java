package io.fovea.bench;

import static io.fovea.core.runtime.Blocking.pause;

import io.fovea.core.image.RgbImage;
import io.fovea.core.preprocess.ImagePreprocessor;
import io.fovea.core.preprocess.Preprocessing;
import io.fovea.core.runtime.NativeBackend;
import io.fovea.core.runtime.ServingGraph;
import io.fovea.trainer.data.Augmenter;
import io.fovea.trainer.data.ImageBatches;
import io.fovea.trainer.data.LabelledImages;
import io.fovea.trainer.model.Vgg16Architecture;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Where a training step's time goes, against a forward pass of the same network and batch, for
 * the network {@code train --weights none} trains (VGG16 with batch norm at 32x32): inference,
 * forward and backward ({@code computeGradientAndScore}), the whole step with the update
 * ({@code fit}), and the step fed by the real loader with augmentation. Each measurement runs
 * between two inference measurements, in rounds; ratios are the median of the rounds'.
 */
final class TrainingBench {
    private final double seconds;

    TrainingBench(double seconds) {
        this.seconds = seconds;
    }

    /** A graph to measure, by name. */
    record Graph(String name, ComputationGraphConfiguration configuration, boolean helpers) {}

    void run(int batch, int rounds, PrintWriter out) {
        Vgg16Architecture architecture = new Vgg16Architecture(Vgg16Architecture.Variant.VGG16_BN, 32, 10, 7);
        List<RgbImage> images = BenchModel.images(Math.max(256, 4 * batch), 32, 3);
        int[] labels = new int[images.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % 10;
        }
        LabelledImages data = new LabelledImages(images, labels);
        ImagePreprocessor preprocessor = new ImagePreprocessor(Preprocessing.vggImagenetMean(32));
        DataSet fixed = new ImageBatches(data, preprocessor, 10, batch, null, 1)
                .epoch(false)
                .next();
        out.printf(
                "%nTraining against inference (VGG16 with batch norm at 32x32, what train --weights none trains;"
                        + " batch %d; %d rounds, each measurement between two of inference; %.0f s each):%n%n",
                batch, rounds, seconds);
        out.println(
                "| graph | step | images/s (median) | inference images/s around it (median) | inference / step (median) |");
        out.println("| --- | --- | ---: | ---: | ---: |");
        for (Graph graph : graphs(architecture)) {
            ComputationGraph model = build(graph);
            Map<String, IntSupplier> steps = new LinkedHashMap<>();
            steps.put("forward and backward", () -> {
                model.setInputs(fixed.getFeatures());
                model.setLabels(fixed.getLabels());
                model.computeGradientAndScore();
                return batch;
            });
            steps.put("fit (forward, backward, update)", () -> {
                model.fit(fixed);
                return batch;
            });
            ImageBatches loader = new ImageBatches(data, preprocessor, 10, batch, new Augmenter(5), 5);
            Iterator<DataSet>[] epoch = new Iterator[] {loader.epoch(true)};
            steps.put("fit, fed by the loader with augmentation", () -> {
                if (!epoch[0].hasNext()) {
                    epoch[0] = loader.epoch(true);
                }
                DataSet next = epoch[0].next();
                model.fit(next);
                return next.numExamples();
            });
            IntSupplier inference = () -> {
                model.output(false, fixed.getFeatures())[0].close();
                return batch;
            };
            for (int i = 0; i < 3; i++) { // warm-up
                inference.getAsInt();
                steps.values().forEach(IntSupplier::getAsInt);
            }
            steps.forEach((name, step) -> {
                List<Double> rates = new ArrayList<>();
                List<Double> around = new ArrayList<>();
                List<Double> ratios = new ArrayList<>();
                for (int r = 0; r < rounds; r++) {
                    double before = rate(inference, seconds / 2);
                    double measured = rate(step, seconds);
                    double after = rate(inference, seconds / 2);
                    rates.add(measured);
                    around.add((before + after) / 2);
                    ratios.add((before + after) / 2 / measured);
                }
                out.printf(
                        "| %s | %s | %.1f | %.1f | %.2f |%n",
                        graph.name(),
                        name,
                        Percentiles.median(rates),
                        Percentiles.median(around),
                        Percentiles.median(ratios));
                out.flush();
            });
            model.close();
        }
    }

    /** The graphs compared: stock DL4J, with DL4J's oneDNN helpers off, and with max pooling on the plain kernel. */
    private static List<Graph> graphs(Vgg16Architecture architecture) {
        ComputationGraphConfiguration configuration = architecture.whole(1e-3);
        return List.of(
                new Graph("stock DL4J, oneDNN helpers on", configuration, true),
                new Graph("stock DL4J, oneDNN helpers off", configuration, false),
                new Graph("plain max pooling (ServingGraph), helpers on", ServingGraph.forServing(configuration), true),
                new Graph(
                        "plain max pooling, no batch norm (VGG16 as transfer learning trains it)",
                        ServingGraph.forServing(
                                new Vgg16Architecture(Vgg16Architecture.Variant.VGG16, 32, 10, 7).whole(1e-3)),
                        true));
    }

    private static ComputationGraph build(Graph graph) {
        String before = System.getProperty(NativeBackend.HELPERS_DISABLE);
        System.setProperty(NativeBackend.HELPERS_DISABLE, Boolean.toString(!graph.helpers()));
        try {
            ComputationGraph model = new ComputationGraph(graph.configuration().clone());
            model.init();
            return model;
        } finally {
            System.setProperty(NativeBackend.HELPERS_DISABLE, before == null ? "false" : before);
        }
    }

    /** Images per second of {@code step} over about {@code seconds}. */
    private static double rate(IntSupplier step, double seconds) {
        pause(Duration.ofMillis(300));
        long start = System.nanoTime();
        long done = 0;
        while (System.nanoTime() - start < seconds * 1e9) {
            done += step.getAsInt();
        }
        return done / ((System.nanoTime() - start) / 1e9);
    }
}
