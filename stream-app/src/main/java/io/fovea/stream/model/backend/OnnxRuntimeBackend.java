package io.fovea.stream.model.backend;

import io.fovea.core.bundle.BundleManifest;
import io.fovea.core.bundle.ModelFormat;
import io.fovea.core.bundle.VerifiedBundle;
import io.fovea.core.onnx.Int8Bundles;
import io.fovea.core.runtime.CpuFeatures;
import io.fovea.stream.model.ModelRunner;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A bundle's ONNX model (exported by Fovea or imported) in an ONNX Runtime session. */
public final class OnnxRuntimeBackend implements Backend {
    public static final String NAME = "onnxruntime";

    private static final Logger LOG = LoggerFactory.getLogger(OnnxRuntimeBackend.class);
    private static final CpuFeatures CPU = CpuFeatures.ofThisMachine();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<ModelFormat> modelIn(BundleManifest manifest) {
        return manifest.model(ModelFormat.ONNX);
    }

    /** Under {@code model.precision=int8}, the bundle's int8 model, and nothing when it has none. */
    @Override
    public Optional<ModelFormat> modelIn(BundleManifest manifest, BackendSettings settings) {
        return Precision.of(settings).int8() ? manifest.model(ModelFormat.ONNX_INT8) : modelIn(manifest);
    }

    @Override
    public ModelRunner open(VerifiedBundle bundle, BackendSettings settings) {
        BundleManifest manifest = bundle.manifest();
        ModelFormat model = modelIn(manifest, settings)
                .orElseThrow(() -> Precision.of(settings).int8()
                        ? Precision.missingInt8(manifest)
                        : new IllegalStateException(manifest.name() + "@" + manifest.version()
                                + " holds no ONNX model; serve it with model.backend=dl4j or add one: bin/fovea models export "
                                + manifest.name() + "@" + manifest.version()));
        if (ModelFormat.ONNX_INT8.equals(model.format())) {
            driftWarning(manifest, CPU).ifPresent(LOG::warn);
        }
        return OnnxModelRunner.open(bundle, OnnxSessions.of(settings), model);
    }

    /** What serve says when it opens an int8 model that may classify here otherwise than its gate measured. */
    static Optional<String> driftWarning(BundleManifest manifest, CpuFeatures cpu) {
        if (!Int8Bundles.mayDriftFromGate(manifest, cpu)) {
            return Optional.empty();
        }
        return Optional.of(manifest.name() + "@" + manifest.version()
                + "'s int8 model has 8-bit weights, gated on a CPU"
                + " whose integer kernels add in 32 bits; this one (" + cpu.int8Description() + ") has no VNNI and"
                + " adds pairs of products in 16 bits, which can saturate, so its predictions here may differ from"
                + " what the gate measured, enough to fail it."
                + " What it predicts here: bin/fovea bench model --model " + manifest.name() + "@"
                + manifest.version() + " --test-data DIR. Quantized with 7-bit weights (models quantize"
                + " --weight-bits 7, the default) a version classifies alike on every x86-64 CPU:"
                + " docs/quantization.md");
    }
}
