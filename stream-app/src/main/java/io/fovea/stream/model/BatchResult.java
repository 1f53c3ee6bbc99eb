package io.fovea.stream.model;

import java.util.List;

/**
 * What one submission got back: its rows of the probabilities, and for each row the size and
 * time of the forward pass that computed it (a pass can hold several submissions, and a
 * submission can span two passes: see {@link InferenceWorker}).
 *
 * @param queueNanos from submission to the start of its first pass
 */
public record BatchResult(
        Probabilities probabilities,
        String modelName,
        int modelVersion,
        List<String> labels,
        int[] batchSizes,
        long queueNanos,
        long[] inferenceNanos) {

    /** Images in the forward pass that computed row {@code row}. */
    public int batchSize(int row) {
        return batchSizes[row];
    }

    /** Time of the forward pass that computed row {@code row}. */
    public long inferenceNanos(int row) {
        return inferenceNanos[row];
    }
}
