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

    @Override
    public ModelRunner open(VerifiedBundle bundle, BackendSettings settings) {
        return OnnxModelRunner.open(bundle, OnnxSessions.of(settings));
    }
}
