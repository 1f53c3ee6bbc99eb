package io.fovea.stream.batch;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What one submission got back: its rows of the probabilities, and the facts of the forward
 * pass they came from (which can be larger than the submission: see {@link BatchAggregator}).
 */
public record BatchResult(INDArray probabilities, String modelName, int modelVersion, java.util.List<String> labels,
                          int batchSize, long queueNanos, long inferenceNanos) {
}
