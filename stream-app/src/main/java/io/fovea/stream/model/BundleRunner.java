package io.fovea.stream.model;

import io.fovea.core.bundle.ModelBundle;
import java.util.List;

/** What every backend's runner takes from its bundle: name, version, labels and the check before serving. */
abstract class BundleRunner implements ModelRunner {
    protected final ModelBundle bundle;

    BundleRunner(ModelBundle bundle) {
        this.bundle = bundle;
    }

    /** {@code runner}, once it passed the probe; closed (its native memory freed) if it did not. */
    static <R extends BundleRunner> R probed(R runner) {
        try {
            runner.probe();
        } catch (RuntimeException e) {
            runner.close();
            throw e;
        }
        return runner;
    }

    /** The probe every version passes before it serves ({@link ProbeBatch}). */
    public void probe() {
        ProbeBatch.check(this, bundle.manifest().inputSize());
    }

    public ModelBundle bundle() {
        return bundle;
    }

    @Override
    public String name() {
        return bundle.manifest().name();
    }

    @Override
    public int version() {
        return bundle.manifest().version();
    }

    @Override
    public List<String> labels() {
        return bundle.manifest().labels();
    }
}
