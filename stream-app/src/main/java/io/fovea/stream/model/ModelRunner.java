package io.fovea.stream.model;

import io.fovea.core.image.RgbImage;
import java.util.List;

/**
 * One loaded model version: images in, class probabilities out. Used by one thread at a time
 * unless it says it takes concurrent passes.
 */
public interface ModelRunner extends AutoCloseable {
    String name();

    int version();

    List<String> labels();

    /** Probabilities [images, classes], preprocessing included (it belongs to the model version). */
    Probabilities predict(List<RgbImage> images);

    /** True when {@link #predict} may run on several threads at once (the inference threads' passes). */
    default boolean concurrentPasses() {
        return false;
    }

    /** Frees the model's native memory. */
    @Override
    void close();
}
