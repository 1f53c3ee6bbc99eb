package io.fovea.stream.model.backend;

import io.fovea.core.bundle.BundleManifest;
import io.fovea.core.preprocess.ImagePreprocessor;
import io.fovea.stream.model.ModelRunner;
import io.fovea.stream.model.ProbeBatch;
import java.util.List;

/**
 * What every backend's runner takes from its bundle: name, version, labels, preprocessing and the
 * check before serving. It keeps the manifest, not the bundle's bytes: those are let go once the
 * model is built from them.
 */
public abstract class BundleRunner implements ModelRunner {
    private final BundleManifest manifest;
    private final ImagePreprocessor preprocessor;

    protected BundleRunner(BundleManifest manifest) {
        this.manifest = manifest;
        this.preprocessor = new ImagePreprocessor(manifest.preprocessing());
    }

    /** The probe every version passes before it serves ({@link ProbeBatch}). */
    public void probe() {
        ProbeBatch.check(this, manifest.inputSize());
    }

    public BundleManifest manifest() {
        return manifest;
    }

    public ImagePreprocessor preprocessor() {
        return preprocessor;
    }

    @Override
    public String name() {
        return manifest.name();
    }

    @Override
    public int version() {
        return manifest.version();
    }

    @Override
    public List<String> labels() {
        return manifest.labels();
    }
}
