package io.fovea.bench;

import io.fovea.core.bundle.BundleManifest;
import io.fovea.core.onnx.quant.AccuracyGate;
import io.fovea.core.runtime.Blocking;
import io.fovea.core.runtime.CpuFeatures;
import io.fovea.stream.model.ModelRunner;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * fp32 against int8, the model alone at one batch size, the precisions alternated within each
 * round, with each version's accuracy beside its speed (from its manifest: the gate's figures).
 */
final class PrecisionBench {
    private static final Duration SETTLE = Duration.ofMillis(500);

    private PrecisionBench() {}

    static void run(
            Map<String, ModelRunner> models,
            BundleManifest manifest,
            int batch,
            int rounds,
            double seconds,
            PrintWriter out) {
        out.printf("# fp32 and int8 (ONNX Runtime, model alone, batch %d)%n%n", batch);
        out.printf(
                "CPU: %s%s; %d cores.%n%n",
                CpuFeatures.ofThisMachine().int8Description(),
                CpuFeatures.cappedHere()
                        ? " (" + CpuFeatures.CAP_ENV + "=avx2: every instruction set above AVX2 hidden from this"
                                + " process's CPUID, so ONNX Runtime runs an AVX2-only CPU's kernels)"
                        : "",
                Runtime.getRuntime().availableProcessors());
        models.values().forEach(m -> BenchModel.bareImagesPerSecond(m, batch, 2)); // arenas, first passes
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            for (Map.Entry<String, ModelRunner> e : models.entrySet()) {
                Blocking.pause(SETTLE);
                rates.computeIfAbsent(e.getKey(), k -> new ArrayList<>())
                        .add(BenchModel.bareImagesPerSecond(e.getValue(), batch, seconds));
            }
        }
        out.println("| precision | img/s | / fp32 | test top-1 | agreement with fp32 |");
        out.println("| --- | ---: | ---: | ---: | ---: |");
        Double fp32 =
                rates.containsKey(PrecisionModels.FP32) ? Percentiles.median(rates.get(PrecisionModels.FP32)) : null;
        rates.forEach((precision, list) -> {
            double median = Percentiles.median(list);
            out.printf(
                    "| %s | %.1f | %s | %s | %s |%n",
                    precision,
                    median,
                    fp32 == null ? "-" : String.format("%.2f", median / fp32),
                    percent(accuracy(manifest, precision)),
                    precision.equals(PrecisionModels.INT8) ? percent(metric(manifest, AccuracyGate.AGREEMENT)) : "-");
        });
        out.printf(
                "(img/s: medians of %d rounds of %.0f s, the precisions alternated within each round; accuracy from"
                        + " the manifest, %s.)%n",
                rounds,
                seconds,
                manifest == null
                        ? "none for the bench's random-weight VGG16"
                        : manifest.name() + "@" + manifest.version());
        if (!CpuFeatures.cappedHere()) {
            out.println("AVX2-capped figures: the same command with " + CpuFeatures.CAP_ENV + "=avx2 before bin/fovea"
                    + " (ONNX Runtime picks its kernels from the CPU's features: docs/benchmarks.md, \"fp32 and"
                    + " int8\").");
        }
        out.flush();
    }

    /** The top-1 the manifest records for the model alone at {@code precision}; null when it records none. */
    static Double accuracy(BundleManifest manifest, String precision) {
        if (precision.equals(PrecisionModels.INT8)) {
            return metric(manifest, AccuracyGate.INT8_TOP1);
        }
        // the gate's fp32 figure is ONNX Runtime's on the same images; the trainer's is DL4J's
        Double gate = metric(manifest, AccuracyGate.FP32_TOP1);
        return gate != null ? gate : metric(manifest, "test_accuracy");
    }

    private static Double metric(BundleManifest manifest, String key) {
        return manifest == null ? null : manifest.metric(key);
    }

    /** A share as a percentage to two places, or "-" for none. */
    static String percent(Double value) {
        return value == null ? "-" : String.format("%.2f%%", 100 * value);
    }
}
