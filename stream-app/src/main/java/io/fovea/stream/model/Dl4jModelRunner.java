package io.fovea.stream.model;

import io.fovea.core.bundle.ModelBundle;
import io.fovea.core.image.RgbImage;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/** A bundle's DL4J ComputationGraph with the bundle's own preprocessing. */
public final class Dl4jModelRunner implements ModelRunner {
    private final ModelBundle bundle;

    public Dl4jModelRunner(ModelBundle bundle) {
        this.bundle = bundle;
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

    @Override
    public INDArray predict(List<RgbImage> images) {
        INDArray input = bundle.preprocessor().toBatch(images);
        try {
            return bundle.graph().outputSingle(false, input);
        } finally {
            input.close();
        }
    }

    /**
     * Frees the parameters' native memory now rather than whenever the garbage collector gets to
     * it: after a hot-swap nothing uses the old version (predictions hold copies of their rows).
     */
    @Override
    public void close() {
        INDArray params = bundle.graph().params();
        bundle.graph().close();
        if (params != null && params.closeable()) {
            params.close();
        }
    }
}
