package io.fovea.stream.model.backend;

import io.fovea.core.bundle.BundleManifest;
import io.fovea.core.bundle.ModelFormat;
import io.fovea.core.bundle.VerifiedBundle;
import io.fovea.stream.model.ModelRunner;
import java.util.Optional;

/** Fovea's own DL4J model ({@code graph.json} and {@code params.npy}) on ND4J. */
public final class Dl4jBackend implements Backend {
    public static final String NAME = "dl4j";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<ModelFormat> modelIn(BundleManifest manifest) {
        return manifest.model(ModelFormat.DL4J);
    }

    @Override
    public ModelRunner open(VerifiedBundle bundle, BackendSettings settings) {
        return Dl4jModelRunner.of(bundle);
    }
}
