package io.fovea.stream.model.backend;

import io.fovea.core.bundle.BundleManifest;
import io.fovea.core.bundle.ModelFormat;
import io.fovea.core.bundle.VerifiedBundle;
import io.fovea.stream.model.ModelRunner;
import java.util.Optional;

/** A bundle's ONNX model (exported by Fovea or imported) in an ONNX Runtime session. */
public final class OnnxRuntimeBackend implements Backend {
    public static final String NAME = "onnxruntime";

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
        return OnnxModelRunner.open(bundle, OnnxSessions.of(settings), model);
    }
}
