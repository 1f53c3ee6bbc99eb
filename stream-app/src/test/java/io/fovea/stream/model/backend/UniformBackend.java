package io.fovea.stream.model.backend;

import io.fovea.core.bundle.BundleManifest;
import io.fovea.core.bundle.ModelFormat;
import io.fovea.core.bundle.VerifiedBundle;
import io.fovea.core.image.RgbImage;
import io.fovea.stream.model.ModelRunner;
import io.fovea.stream.model.Probabilities;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A backend registered by tests only (src/test/resources/META-INF/services): a model in a format
 * of its own, {@value #FORMAT}, whose one file says {@value #CONTENT} and which gives every label
 * the same probability. It is what adding a backend takes: this class and one registration line.
 */
public final class UniformBackend implements Backend {
    public static final String NAME = "uniform";
    public static final String FORMAT = "uniform";
    public static final String FILE = "uniform.txt";
    public static final String CONTENT = "every label alike";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<ModelFormat> modelIn(BundleManifest manifest) {
        return manifest.model(FORMAT);
    }

    @Override
    public ModelRunner open(VerifiedBundle bundle, BackendSettings settings) {
        String content = new String(bundle.file(FILE), StandardCharsets.UTF_8);
        if (!content.equals(CONTENT)) {
            throw new IllegalStateException(bundle.source() + ": not a uniform model: " + content);
        }
        return new BundleRunner(bundle.manifest()) {
            @Override
            public Probabilities predict(List<RgbImage> images) {
                float[] values = new float[images.size() * labels().size()];
                Arrays.fill(values, 1f / labels().size());
                return new Probabilities(images.size(), labels().size(), values);
            }

            @Override
            public void close() {
                // nothing native
            }
        };
    }
}
