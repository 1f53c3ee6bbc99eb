package io.fovea.stream.model;

import io.fovea.core.image.RgbImage;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A submission to the {@link InferenceWorker}: its images, and its rows of output as the passes
 * that hold them finish. A submission can span two passes, so its result completes with its last
 * row. {@link #placed} is the forming pass's; {@link #fill} may come from two passes at once.
 */
final class Submission {
    final List<RgbImage> images;
    final Lineup.Role role;
    final long submittedNanos;
    final CompletableFuture<BatchResult> result = new CompletableFuture<>();
    private final int[] batchSizes;
    private final long[] inferenceNanos;
    /** Images given a place in a pass so far; the others wait for the next. */
    int placed;

    private int done;
    private Probabilities rows;
    private long firstPassNanos;

    Submission(List<RgbImage> images, Lineup.Role role) {
        this.images = List.copyOf(images);
        this.role = role;
        this.submittedNanos = System.nanoTime();
        this.batchSizes = new int[images.size()];
        this.inferenceNanos = new long[images.size()];
    }

    int unplaced() {
        return images.size() - placed;
    }

    /** {@code count} images of a submission, from its image {@code from}, in a pass. */
    record Slice(Submission submission, int from, int count) {}

    /** What a finished pass computed: its rows, its size, when it started and how long it took, and who ran it. */
    record Pass(Probabilities probabilities, int size, long startNanos, long inferenceNanos, ModelRunner runner) {}

    /**
     * Copies this slice's rows out of the pass ({@code offset} is the slice's first row in it),
     * and completes the result when they were the last of the submission.
     *
     * @return true when this was the submission's first pass: its wait for the model ends now
     */
    synchronized boolean fill(Slice slice, int offset, Pass pass) {
        boolean first = rows == null;
        if (first) {
            rows = Probabilities.empty(images.size(), pass.probabilities().labels());
            firstPassNanos = pass.startNanos();
        } else {
            // two passes at once can finish out of order: the wait ends when the earlier one started
            firstPassNanos = Math.min(firstPassNanos, pass.startNanos());
        }
        int from = slice.from();
        int to = from + slice.count();
        pass.probabilities().copyRows(offset, slice.count(), rows, from);
        Arrays.fill(batchSizes, from, to, pass.size());
        Arrays.fill(inferenceNanos, from, to, pass.inferenceNanos());
        done += slice.count();
        if (done == images.size()) {
            ModelRunner runner = pass.runner();
            result.complete(new BatchResult(
                    rows,
                    runner.name(),
                    runner.version(),
                    runner.labels(),
                    batchSizes,
                    firstPassNanos - submittedNanos,
                    inferenceNanos));
        }
        return first;
    }
}
