package io.fovea.stream.model;

import io.fovea.core.bundle.BundleManifest;
import io.fovea.core.store.ModelStore;
import java.util.Locale;

/**
 * Opens a version with the backend that runs it: the configured one when the bundle holds that
 * model, else the one it does hold. A bundle with both (Fovea's own, exported) follows the
 * setting; an imported ONNX model has only ONNX Runtime to run it.
 */
public final class ModelRunners {
    public static final String DL4J = "dl4j";
    public static final String ONNXRUNTIME = "onnxruntime";

    private final String preferred;
    private final OnnxSessions sessions;

    public ModelRunners(String preferred, OnnxSessions sessions) {
        this.preferred = preferred.trim().toLowerCase(Locale.ROOT);
        if (!this.preferred.equals(DL4J) && !this.preferred.equals(ONNXRUNTIME)) {
            throw new IllegalArgumentException("model.backend must be dl4j or onnxruntime, got '" + preferred + "'");
        }
        this.sessions = sessions;
    }

    /** The backend that will run this version. */
    public String backendFor(BundleManifest manifest) {
        boolean dl4j = manifest.hasDl4jModel();
        boolean onnx = manifest.onnx() != null;
        if (preferred.equals(ONNXRUNTIME) && onnx || !dl4j && onnx) {
            return ONNXRUNTIME;
        }
        return DL4J;
    }

    /** Loads, checks (probe batch) and returns the version, ready to serve; the caller closes it. */
    public ModelRunner open(ModelStore store, String model, int version) {
        BundleManifest manifest = store.manifest(model, version);
        return backendFor(manifest).equals(ONNXRUNTIME)
                ? OnnxModelRunner.checked(store.verified(model, version), sessions)
                : Dl4jModelRunner.checked(store.load(model, version));
    }
}
