package io.fovea.core.onnx;

import io.fovea.core.bundle.BundleManifest;
import io.fovea.core.bundle.ModelFiles;
import io.fovea.core.bundle.ModelFormat;
import io.fovea.core.onnx.quant.AccuracyGate;
import io.fovea.core.onnx.quant.CalibrationMethod;
import io.fovea.core.onnx.quant.Int8Quantizer;
import io.fovea.core.onnx.quant.ModelInput;
import io.fovea.core.onnx.quant.QuantizationData;
import io.fovea.core.onnx.quant.WeightBits;
import io.fovea.core.runtime.CpuFeatures;
import io.fovea.core.store.ModelStore;
import io.fovea.core.store.StagedBundle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@value ModelFormat#ONNX_INT8_FILE} in Fovea's bundles: the bundle's ONNX model quantized,
 * admitted only past the {@link AccuracyGate}, named by the manifest and covered by its SHA-256
 * with the gate's figures in its metrics. Written into a folder being published ({@link
 * #writeInto}) or added to a version that exists ({@link #addTo}).
 */
public final class Int8Bundles {
    /** The manifest's record of the int8 model's weight width ({@link WeightBits}): 7 or 8. */
    public static final String WEIGHT_BITS = "int8_weight_bits";

    /**
     * 1 when the gate ran where ONNX Runtime's integer kernels add product pairs in 16 bits (x86
     * without VNNI), so its verdict already holds for such CPUs; 0 when it ran where they add in 32.
     */
    public static final String GATE_PAIRS_SATURATE = "int8_gate_pairs_saturate";

    private Int8Bundles() {}

    /** What quantizing gave: the manifest naming the int8 model, and what it measured. */
    public record Quantized(BundleManifest manifest, Int8Quantizer.Result result, AccuracyGate gate) {}

    /** The int8 model missed the accuracy gate; the bundle is as it was. */
    public static final class Refused extends IllegalStateException {
        private final transient AccuracyGate gate;

        Refused(String who, AccuracyGate gate) {
            super(who + ": the int8 model is refused: " + gate.verdict());
            this.gate = gate;
        }

        public AccuracyGate gate() {
            return gate;
        }
    }

    /**
     * Quantizes {@code fp32} (the bundle's ONNX model, read from {@code dir} by the caller after its
     * checksum was checked), gates it, and writes {@value ModelFormat#ONNX_INT8_FILE} into {@code
     * dir}. The manifest returned names it; writing that manifest is the caller's step.
     *
     * @throws Refused when the gate is missed; nothing is written then
     */
    public static Quantized writeInto(
            Path dir,
            BundleManifest manifest,
            byte[] fp32,
            QuantizationData data,
            CalibrationMethod method,
            WeightBits bits) {
        String who = manifest.name() + "@" + manifest.version();
        ModelFormat onnx = manifest.model(ModelFormat.ONNX)
                .orElseThrow(() -> new IllegalArgumentException(who + " holds no ONNX model to quantize"));
        if (manifest.model(ModelFormat.ONNX_INT8).isPresent()) {
            throw new IllegalArgumentException(who + " already holds " + ModelFormat.ONNX_INT8_FILE);
        }
        ModelInput feed = ModelInput.of(manifest);
        Int8Quantizer.Result result = Int8Quantizer.quantize(fp32, feed, data.calibration(), method, bits);
        AccuracyGate gate = AccuracyGate.measure(
                fp32,
                result.model(),
                feed,
                data.test(),
                data.testLabels(),
                manifest.labels().size());
        if (!gate.passes()) {
            throw new Refused(who, gate);
        }
        try {
            Path temp = dir.resolve(ModelFormat.ONNX_INT8_FILE + ".tmp");
            Files.write(temp, result.model());
            Files.move(temp, dir.resolve(ModelFormat.ONNX_INT8_FILE), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the int8 model into " + dir + ": " + e.getMessage(), e);
        }
        List<String> files = new ArrayList<>(manifest.modelFiles());
        files.add(ModelFormat.ONNX_INT8_FILE);
        BundleManifest updated = manifest.withModel(
                        ModelFormat.int8Of(onnx), List.copyOf(files), ModelFiles.sha256(dir, files))
                .withMetrics(metrics(gate, bits, CpuFeatures.ofThisMachine()));
        return new Quantized(updated, result, gate);
    }

    static Map<String, Double> metrics(AccuracyGate gate, WeightBits bits, CpuFeatures gatedOn) {
        Map<String, Double> metrics = new LinkedHashMap<>(gate.metrics());
        metrics.put(WEIGHT_BITS, (double) bits.bits());
        if (gatedOn.known()) {
            metrics.put(GATE_PAIRS_SATURATE, gatedOn.int8PairsSaturate() ? 1.0 : 0.0);
        }
        return metrics;
    }

    /**
     * Whether serving this int8 model on {@code cpu} may give other results than its gate measured:
     * eight-bit weights, gated where pairs of products did not saturate, run where they do.
     */
    public static boolean mayDriftFromGate(BundleManifest manifest, CpuFeatures cpu) {
        Double gatedSaturating = manifest.metric(GATE_PAIRS_SATURATE);
        return cpu.int8PairsSaturate()
                && WeightBits.ofMetric(manifest.metric(WEIGHT_BITS)) == WeightBits.EIGHT
                && (gatedSaturating == null || gatedSaturating == 0.0);
    }

    /**
     * Adds {@value ModelFormat#ONNX_INT8_FILE} to an existing version, through the store's amend:
     * readers see the old bundle or the new one, whole.
     */
    public static Quantized addTo(
            ModelStore store,
            String model,
            int version,
            QuantizationData data,
            CalibrationMethod method,
            WeightBits bits) {
        BundleManifest manifest = store.manifest(model, version);
        ModelFormat onnx = manifest.model(ModelFormat.ONNX)
                .orElseThrow(() -> new IllegalArgumentException(model + "@" + version
                        + " holds no ONNX model to quantize; add one first: bin/fovea models export " + model + "@"
                        + version));
        // quantized from the bytes the checksum was checked over
        byte[] fp32 = store.verified(model, version, onnx.files()).file(onnx.file());
        try (StagedBundle amended = store.amend(model, version)) {
            Quantized quantized = writeInto(amended.dir(), manifest, fp32, data, method, bits);
            amended.commit(quantized.manifest());
            return quantized;
        }
    }
}
