package io.fovea.stream.model;

import io.fovea.core.image.RgbImage;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/** One loaded model version: images in, class probabilities out. Used by one thread at a time. */
public interface ModelRunner extends AutoCloseable {
    String name();

    int version();

    List<String> labels();

    /** Probabilities [images, classes], preprocessing included (it belongs to the model version). */
    INDArray predict(List<RgbImage> images);

    /** Frees the model's native memory. */
    @Override
    void close();
}
