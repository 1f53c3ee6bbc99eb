package io.fovea.bench;

import io.fovea.core.bundle.BundleManifest;
import io.fovea.core.image.RgbImage;
import io.fovea.core.onnx.Int8Bundles;
import io.fovea.core.onnx.quant.AccuracyGate;
import io.fovea.core.onnx.quant.QuantizationData;
import io.fovea.core.onnx.quant.WeightBits;
import io.fovea.core.runtime.Blocking;
import io.fovea.core.runtime.CpuFeatures;
import io.fovea.stream.model.ModelRunner;
import io.fovea.stream.model.Probabilities;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * fp32 against int8, the model alone at one batch size, the precisions alternated within each
 * round, with each version's accuracy beside its speed (from its manifest: the gate's figures).
 */
final class PrecisionBench {
    private static final Duration SETTLE = Duration.ofMillis(500);

    private PrecisionBench() {}

    /** With {@code test} (null for none), top-1 and agreement are measured here as well. */
    static void run(
            Map<String, ModelRunner> models,
            BundleManifest manifest,
            QuantizationData test,
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
        if (test != null && models.containsKey(PrecisionModels.FP32) && models.containsKey(PrecisionModels.INT8)) {
            accuracyHere(models, manifest, test, batch, out);
        } else if (test != null) {
            out.println("(Accuracy is measured here only with both precisions: --precision fp32,int8.)");
        }
        if (!CpuFeatures.cappedHere()) {
            out.println("AVX2-capped figures: the same command with " + CpuFeatures.CAP_ENV + "=avx2 before bin/fovea"
                    + " (ONNX Runtime picks its kernels from the CPU's features: docs/benchmarks.md, \"fp32 and"
                    + " int8\").");
        }
        out.flush();
    }

    /**
     * The gate's figures measured again on this CPU, through serve's own sessions: an int8 model
     * gated on one CPU may classify otherwise on another (docs/quantization.md, "Weight width").
     */
    private static void accuracyHere(
            Map<String, ModelRunner> models,
            BundleManifest manifest,
            QuantizationData test,
            int batch,
            PrintWriter out) {
        int[] int8Classes = predicted(models.get(PrecisionModels.INT8), test, batch);
        AccuracyGate here = AccuracyGate.of(
                predicted(models.get(PrecisionModels.FP32), test, batch), int8Classes, test.testLabels());
        out.println();
        out.println("| accuracy on the test set | fp32 top-1 | int8 top-1 | int8 - fp32 | agreement | images"
                + " | int8's classes, CRC-32 |");
        out.println("| --- | ---: | ---: | ---: | ---: | ---: | --- |");
        Double fp32 = metric(manifest, AccuracyGate.FP32_TOP1);
        Double int8 = metric(manifest, AccuracyGate.INT8_TOP1);
        Double images = metric(manifest, AccuracyGate.IMAGES);
        Double saturate = metric(manifest, Int8Bundles.GATE_PAIRS_SATURATE);
        out.printf(
                "| the gate, as the manifest records it (%d-bit weights, %s) | %s | %s | %s | %s | %s | |%n",
                WeightBits.ofMetric(metric(manifest, Int8Bundles.WEIGHT_BITS)).bits(),
                saturate == null ? "its CPU not recorded" : saturate > 0 ? "gated without VNNI" : "gated with VNNI",
                percent(fp32),
                percent(int8),
                points(fp32, int8),
                percent(metric(manifest, AccuracyGate.AGREEMENT)),
                images == null ? "-" : String.format("%.0f", images));
        out.printf(
                "| measured here, serve's sessions (%s) | %s | %s | %s | %s | %d | %08x |%n",
                CpuFeatures.ofThisMachine().int8Description(),
                percent(here.fp32Top1()),
                percent(here.int8Top1()),
                points(here.fp32Top1(), here.int8Top1()),
                percent(here.agreement()),
                here.images(),
                crc32(int8Classes));
        out.println("(The CRC-32 of int8's class for each test image, in order: the same on two CPUs, the same"
                + " predictions image by image.)");
    }

    private static long crc32(int[] classes) {
        CRC32 crc = new CRC32();
        for (int c : classes) {
            crc.update(new byte[] {(byte) (c >>> 24), (byte) (c >>> 16), (byte) (c >>> 8), (byte) c});
        }
        return crc.getValue();
    }

    /** Each test image's class by {@code model}, in batches of {@code batch}. */
    private static int[] predicted(ModelRunner model, QuantizationData test, int batch) {
        List<RgbImage> images = test.test();
        int[] classes = new int[images.size()];
        for (int from = 0; from < images.size(); from += batch) {
            Probabilities scores = model.predict(images.subList(from, Math.min(images.size(), from + batch)));
            for (int row = 0; row < scores.rows(); row++) {
                classes[from + row] = scores.argMax(row);
            }
        }
        return classes;
    }

    private static String points(Double fp32, Double int8) {
        return fp32 == null || int8 == null ? "-" : String.format("%+.2f points", 100 * (int8 - fp32));
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
