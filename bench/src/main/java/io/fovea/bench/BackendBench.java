package io.fovea.bench;

import io.fovea.core.bundle.BundleManifest;
import io.fovea.core.bundle.ModelFormat;
import io.fovea.core.bundle.VerifiedBundle;
import io.fovea.core.onnx.OnnxExport;
import io.fovea.core.runtime.Blocking;
import io.fovea.stream.model.ModelRunner;
import io.fovea.stream.model.backend.Dl4jBackend;
import io.fovea.stream.model.backend.Dl4jModelRunner;
import io.fovea.stream.model.backend.OnnxModelRunner;
import io.fovea.stream.model.backend.OnnxRuntimeBackend;
import io.fovea.stream.model.backend.OnnxSessions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DL4J and ONNX Runtime on the same network (VGG16 with random weights, exported to ONNX), in one
 * run, every measurement alternated between the backends: the model alone at each batch size
 * against sgemm, and the pipeline at one batch size against the model alone just before and after.
 */
final class BackendBench {
    private static final Duration SETTLE = Duration.ofMillis(500);

    private final PipelineBench pipeline;
    private final Path work;
    private final int inputSize;
    private final int events;
    private final double seconds;
    private final int rounds;

    BackendBench(PipelineBench pipeline, Path work, int inputSize, int events, double seconds, int rounds) {
        this.pipeline = pipeline;
        this.work = work;
        this.inputSize = inputSize;
        this.events = events;
        this.seconds = seconds;
        this.rounds = rounds;
    }

    void run(List<String> backends, List<Integer> batchSizes, int reference, PrintWriter out) {
        Map<String, ModelRunner> models = open(backends);
        try {
            double flops = ModelCost.flopsPerImage(
                    BenchModel.architecture(inputSize).whole(1e-3),
                    org.deeplearning4j.nn.conf.inputs.InputType.convolutional(inputSize, inputSize, 3));
            out.printf(
                    "# Backends%n%nVGG16 (plain) + classic head, random weights, input %dx%d, %.3f GFLOP per image, %d cores;"
                            + " the same weights in each backend (ONNX: Fovea's export).%n%n",
                    inputSize, inputSize, flops / 1e9, Runtime.getRuntime().availableProcessors());
            models.values().forEach(model -> BenchModel.bareImagesPerSecond(model, reference, 5)); // JIT, arenas
            modelAlone(models, batchSizes, reference, flops, out);
            pipelineAt(models, reference, out);
        } finally {
            models.values().forEach(ModelRunner::close);
        }
    }

    private Map<String, ModelRunner> open(List<String> backends) {
        Dl4jModelRunner dl4j = (Dl4jModelRunner) BenchModel.runner(inputSize, true);
        Map<String, ModelRunner> models = new LinkedHashMap<>();
        for (String backend : backends) {
            if (backend.equals(Dl4jBackend.NAME)) {
                models.put(backend, dl4j);
            } else if (backend.equals(OnnxRuntimeBackend.NAME)) {
                Path file = work.resolve(ModelFormat.ONNX_FILE);
                OnnxExport.write(dl4j.graph(), inputSize, file);
                BundleManifest manifest =
                        dl4j.manifest().withModel(ModelFormat.exportedOnnx(), List.of(ModelFormat.ONNX_FILE), "");
                models.put(
                        backend,
                        OnnxModelRunner.checked(
                                new VerifiedBundle(
                                        manifest, Map.of(ModelFormat.ONNX_FILE, readAll(file)), work.toString()),
                                OnnxSessions.cpu()));
            } else {
                throw new IllegalArgumentException("unknown backend '" + backend + "'; dl4j or onnxruntime");
            }
        }
        if (!models.containsKey(Dl4jBackend.NAME)) {
            dl4j.close();
        }
        return models;
    }

    private void modelAlone(
            Map<String, ModelRunner> models, List<Integer> batchSizes, int reference, double flops, PrintWriter out) {
        Map<String, ModelCost.AgainstSgemm> sgemm = new LinkedHashMap<>();
        models.forEach((backend, model) ->
                sgemm.put(backend, ModelCost.sgemmAgainstModel(model, reference, flops, rounds, SETTLE)));
        out.println("| batch | "
                + String.join(
                        " | ",
                        models.keySet().stream()
                                .map(b -> b + " img/s | " + b + " % of sgemm")
                                .toList()) + " | " + last(models) + " / " + first(models) + " |");
        out.println("| ---: |" + " ---: | ---: |".repeat(models.size()) + " ---: |");
        for (int batch : batchSizes) {
            Map<String, List<Double>> rates = new LinkedHashMap<>();
            for (int round = 0; round < rounds; round++) {
                for (Map.Entry<String, ModelRunner> e : models.entrySet()) {
                    Blocking.pause(SETTLE);
                    rates.computeIfAbsent(e.getKey(), k -> new ArrayList<>())
                            .add(BenchModel.bareImagesPerSecond(e.getValue(), batch, seconds / 2));
                }
            }
            StringBuilder row = new StringBuilder("| " + batch + " |");
            Map<String, Double> medians = new LinkedHashMap<>();
            rates.forEach((backend, list) -> {
                double median = Percentiles.median(list);
                medians.put(backend, median);
                double share = median * flops / 1e9 / sgemm.get(backend).sgemmGflops();
                row.append(String.format(" %.1f | %.0f%% |", median, 100 * share));
            });
            row.append(String.format(" %.2f |", medians.get(last(models)) / medians.get(first(models))));
            out.println(row);
            out.flush();
        }
        sgemm.forEach((backend, s) -> out.printf(
                "%s against sgemm (1024x1024, ND4J BLAS, all cores), alternated at batch %d in %d rounds: %.1f GFLOP/s"
                        + " against %.1f, %.0f%%.%n",
                backend, reference, rounds, s.modelGflops(), s.sgemmGflops(), 100 * s.ratio()));
        out.printf("(img/s: medians of %d rounds, the backends alternated within each round.)%n%n", rounds);
    }

    private void pipelineAt(Map<String, ModelRunner> models, int batch, PrintWriter out) {
        String topic = pipeline.preload(events);
        Map<String, List<AroundBare>> runs = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            for (Map.Entry<String, ModelRunner> e : models.entrySet()) {
                ModelRunner model = e.getValue();
                Blocking.pause(SETTLE);
                double before = BenchModel.bareImagesPerSecond(model, batch, seconds / 2);
                double piped = pipeline.run(model, topic, events, batch).imagesPerSecond();
                Blocking.pause(SETTLE);
                double after = BenchModel.bareImagesPerSecond(model, batch, seconds / 2);
                runs.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(new AroundBare(before, piped, after));
            }
        }
        out.printf("| pipeline at batch %d | model alone img/s | pipeline img/s | pipeline / model |%n", batch);
        out.println("| --- | ---: | ---: | ---: |");
        runs.forEach((backend, list) -> out.printf(
                "| %s | %.1f | %.1f | %.2f |%n",
                backend,
                Percentiles.median(list.stream().map(AroundBare::bare).toList()),
                Percentiles.median(list.stream().map(AroundBare::measured).toList()),
                Percentiles.median(list.stream().map(AroundBare::ratio).toList())));
        out.printf(
                "(%d rounds of %d images through a real broker, exactly once; each run between two runs of the model"
                        + " alone; medians.)%n",
                rounds, events);
        out.flush();
    }

    private static String first(Map<String, ?> map) {
        return map.keySet().iterator().next();
    }

    private static String last(Map<String, ?> map) {
        return new ArrayList<>(map.keySet()).get(map.size() - 1);
    }

    private static byte[] readAll(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
