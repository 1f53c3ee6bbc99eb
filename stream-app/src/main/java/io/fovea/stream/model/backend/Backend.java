package io.fovea.stream.model.backend;

import io.fovea.core.bundle.BundleManifest;
import io.fovea.core.bundle.ModelFormat;
import io.fovea.core.bundle.VerifiedBundle;
import io.fovea.stream.model.ModelRunner;
import java.util.Optional;

/**
 * A way to run a bundle's model, found by its name ({@link Backends}). Adding one is this class
 * and a line in {@code META-INF/services/io.fovea.stream.model.backend.Backend}; it needs a public
 * constructor without arguments.
 */
public interface Backend {

    /** What {@code model.backend} and {@code serve --backend} call it, e.g. {@code onnxruntime}. */
    String name();

    /** The model in this bundle that this backend runs, if it holds one. */
    Optional<ModelFormat> modelIn(BundleManifest manifest);

    /** The model this backend runs as configured (e.g. {@code model.precision}); by default {@link #modelIn}. */
    default Optional<ModelFormat> modelIn(BundleManifest manifest, BackendSettings settings) {
        return modelIn(manifest);
    }

    default boolean canRun(BundleManifest manifest) {
        return modelIn(manifest).isPresent();
    }

    /**
     * Builds the model from the bundle's verified bytes (those of {@link #modelIn}'s files); the
     * caller probes it before it serves ({@link Backends#open}) and closes it.
     */
    ModelRunner open(VerifiedBundle bundle, BackendSettings settings);
}
