package io.fovea.core.onnx;

import io.fovea.core.bundle.BundleManifest;
import io.fovea.core.bundle.ModelFiles;
import io.fovea.core.bundle.ModelFormat;
import io.fovea.core.onnx.quant.AccuracyGate;
import io.fovea.core.onnx.quant.CalibrationMethod;
import io.fovea.core.onnx.quant.Int8Quantizer;
import io.fovea.core.onnx.quant.ModelInput;
import io.fovea.core.onnx.quant.QuantizationData;
import io.fovea.core.store.ModelStore;
import io.fovea.core.store.StagedBundle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@value ModelFormat#ONNX_INT8_FILE} in Fovea's bundles: the bundle's ONNX model quantized,
 * admitted only past the {@link AccuracyGate}, named by the manifest and covered by its SHA-256
 * with the gate's figures in its metrics. Written into a folder being published ({@link
 * #writeInto}) or added to a version that exists ({@link #addTo}).
 */
public final class Int8Bundles {
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
            Path dir, BundleManifest manifest, byte[] fp32, QuantizationData data, CalibrationMethod method) {
        String who = manifest.name() + "@" + manifest.version();
        ModelFormat onnx = manifest.model(ModelFormat.ONNX)
                .orElseThrow(() -> new IllegalArgumentException(who + " holds no ONNX model to quantize"));
        if (manifest.model(ModelFormat.ONNX_INT8).isPresent()) {
            throw new IllegalArgumentException(who + " already holds " + ModelFormat.ONNX_INT8_FILE);
        }
        ModelInput feed = ModelInput.of(manifest);
        Int8Quantizer.Result result = Int8Quantizer.quantize(fp32, feed, data.calibration(), method);
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
                .withMetrics(gate.metrics());
        return new Quantized(updated, result, gate);
    }

    /**
     * Adds {@value ModelFormat#ONNX_INT8_FILE} to an existing version, through the store's amend:
     * readers see the old bundle or the new one, whole.
     */
    public static Quantized addTo(
            ModelStore store, String model, int version, QuantizationData data, CalibrationMethod method) {
        BundleManifest manifest = store.manifest(model, version);
        ModelFormat onnx = manifest.model(ModelFormat.ONNX)
                .orElseThrow(() -> new IllegalArgumentException(model + "@" + version
                        + " holds no ONNX model to quantize; add one first: bin/fovea models export " + model + "@"
                        + version));
        // quantized from the bytes the checksum was checked over
        byte[] fp32 = store.verified(model, version, onnx.files()).file(onnx.file());
        try (StagedBundle amended = store.amend(model, version)) {
            Quantized quantized = writeInto(amended.dir(), manifest, fp32, data, method);
            amended.commit(quantized.manifest());
            return quantized;
        }
    }
}
