package io.fovea.bench;

import static io.fovea.core.runtime.Blocking.pause;

import io.fovea.core.image.RgbImage;
import io.fovea.core.preprocess.ImagePreprocessor;
import io.fovea.core.preprocess.Preprocessing;
import io.fovea.trainer.data.Augmenter;
import io.fovea.trainer.data.ImageBatches;
import io.fovea.trainer.data.LabelledImages;
import io.fovea.trainer.fit.Trainer;
import io.fovea.trainer.model.ResNet9Architecture;
import io.fovea.trainer.model.Vgg16Architecture;
import io.fovea.trainer.runtime.ForwardOnceConvolutionLayer;
import io.fovea.trainer.runtime.TrainingGraph;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Nesterovs;

/**
 * A training step against a forward pass of the same network at the same batch size: the
 * from-scratch recipe's network (half-width ResNet-9, batches of 128); VGG16 as transfer
 * learning's second phase trains it (block 5 and the head, batches of 32); VGG16 and VGG16 with
 * batch norm with every layer trained; each as {@code train} builds it ({@link
 * TrainingGraph#forTraining}) and most also as stock DL4J builds it. Steps: the
 * whole step ({@code fit}: forward, backward, update) on a fixed batch, and the step fed by the
 * real loader with augmentation. Each measurement runs between two inference measurements, in
 * rounds; ratios are the median of the rounds'.
 */
final class TrainingBench {
    private final double seconds;

    TrainingBench(double seconds) {
        this.seconds = seconds;
    }

    /** A graph to measure, by name, at the batch size it trains with. */
    record Graph(String name, Supplier<ComputationGraph> model, int batch) {
        Graph(String name, ComputationGraphConfiguration configuration, int batch) {
            this(name, () -> initialised(configuration), batch);
        }
    }

    private static ComputationGraph initialised(ComputationGraphConfiguration configuration) {
        ComputationGraph model = new ComputationGraph(configuration.clone());
        model.init();
        return model;
    }

    void run(int rounds, PrintWriter out) {
        out.printf(
                "%nTraining against inference (32x32 images; %d rounds, each measurement between two of inference;"
                        + " %.0f s each; oneDNN ISA cap %s):%n%n",
                rounds,
                seconds,
                System.getenv()
                        .getOrDefault("ONEDNN_MAX_CPU_ISA", System.getenv().getOrDefault("DNNL_MAX_CPU_ISA", "none")));
        out.println("| graph | batch | step | images/s (median) | inference images/s around it (median) |"
                + " inference / step (median) |");
        out.println("| --- | ---: | --- | ---: | ---: | ---: |");
        List<String> choices = new ArrayList<>();
        for (Graph graph : graphs()) {
            measure(graph, rounds, out, choices);
        }
        out.printf("%nConvolutions whose backward pass settled on matrix products (the others on oneDNN):%n%n");
        choices.forEach(out::println);
        out.flush();
    }

    /**
     * Which of the convolutions {@code train} builds chose matrix products over oneDNN for their
     * backward pass; nothing for a stock graph, which has none of them.
     */
    private static Optional<String> matmulChoices(ComputationGraph model) {
        List<ForwardOnceConvolutionLayer> convolutions = Arrays.stream(model.getLayers())
                .filter(ForwardOnceConvolutionLayer.class::isInstance)
                .map(ForwardOnceConvolutionLayer.class::cast)
                .toList();
        if (convolutions.isEmpty()) {
            return Optional.empty();
        }
        List<String> names = convolutions.stream()
                .filter(conv -> conv.backwardChoice() == 1)
                .map(conv -> conv.conf().getLayer().getLayerName())
                .toList();
        return Optional.of(names.isEmpty() ? "none" : String.join(", ", names));
    }

    /** Synthetic images for a batch size, labelled round the ten classes. */
    private static LabelledImages labelledImages(int batch) {
        List<RgbImage> images = BenchModel.images(Math.max(256, 4 * batch), 32, 3);
        int[] labels = new int[images.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % 10;
        }
        return new LabelledImages(images, labels);
    }

    private void measure(Graph graph, int rounds, PrintWriter out, List<String> choices) {
        int batch = graph.batch();
        LabelledImages data = labelledImages(batch);
        ImagePreprocessor preprocessor = new ImagePreprocessor(Preprocessing.vggImagenetMean(32));
        DataSet fixed = new ImageBatches(data, preprocessor, 10, batch, null, 1, 0)
                .epoch(false)
                .next();
        ComputationGraph model = graph.model().get();
        Map<String, IntSupplier> steps = new LinkedHashMap<>();
        steps.put("fit (forward, backward, update)", () -> {
            model.fit(fixed);
            return batch;
        });
        ImageBatches loader = new ImageBatches(data, preprocessor, 10, batch, new Augmenter(5), 5, 0.1);
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
        // warm-up, long enough for each layer to time its two backward passes (FasterOfTwo)
        for (int i = 0; i < 6; i++) {
            inference.getAsInt();
            steps.values().forEach(IntSupplier::getAsInt);
        }
        matmulChoices(model).ifPresent(names -> choices.add("- " + graph.name() + ": " + names));
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
                    "| %s | %d | %s | %.1f | %.1f | %.2f |%n",
                    graph.name(),
                    batch,
                    name,
                    Percentiles.median(rates),
                    Percentiles.median(around),
                    Percentiles.median(ratios));
            out.flush();
        });
        model.close();
    }

    private static List<Graph> graphs() {
        ComputationGraphConfiguration resnet = new ResNet9Architecture(32, 10, 7).whole(new Nesterovs(0.05, 0.9), 5e-4);
        ComputationGraphConfiguration vggBn =
                new Vgg16Architecture(Vgg16Architecture.Variant.VGG16_BN, 32, 10, 7).whole(1e-3);
        ComputationGraphConfiguration vgg =
                new Vgg16Architecture(Vgg16Architecture.Variant.VGG16, 32, 10, 7).whole(1e-3);
        return List.of(
                new Graph("ResNet-9 half (train --weights none), stock DL4J", resnet, 128),
                new Graph(
                        "ResNet-9 half (train --weights none), as train builds it",
                        TrainingGraph.forTraining(resnet),
                        128),
                new Graph(
                        "VGG16 fine-tuning block 5 (train's second phase of transfer learning), as train builds it",
                        () -> Trainer.frozenUpTo(
                                initialised(TrainingGraph.forTraining(vgg)),
                                Vgg16Architecture.LAST_FROZEN_WHEN_FINE_TUNING,
                                1e-4,
                                7),
                        32),
                new Graph("VGG16, every layer trained (--phase full), stock DL4J", vgg, 32),
                new Graph(
                        "VGG16, every layer trained (--phase full), as train builds it",
                        TrainingGraph.forTraining(vgg),
                        32),
                new Graph("VGG16 with batch norm, every layer trained, stock DL4J", vggBn, 32),
                new Graph(
                        "VGG16 with batch norm, every layer trained, as train builds it",
                        TrainingGraph.forTraining(vggBn),
                        32));
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
