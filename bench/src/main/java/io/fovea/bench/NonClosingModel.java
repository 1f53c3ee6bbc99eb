package io.fovea.bench;

import io.fovea.core.image.RgbImage;
import io.fovea.stream.model.ModelRunner;
import io.fovea.stream.model.Probabilities;
import java.util.List;

/** Lends one model to several stream apps in turn: closing an app must not free the model. */
record NonClosingModel(ModelRunner model) implements ModelRunner {
    @Override
    public String name() {
        return model.name();
    }

    @Override
    public int version() {
        return model.version();
    }

    @Override
    public List<String> labels() {
        return model.labels();
    }

    @Override
    public Probabilities predict(List<RgbImage> images) {
        return model.predict(images);
    }

    @Override
    public boolean concurrentPasses() {
        return model.concurrentPasses();
    }

    @Override
    public void close() {
        // the benchmark closes the model itself at the end
    }
}
