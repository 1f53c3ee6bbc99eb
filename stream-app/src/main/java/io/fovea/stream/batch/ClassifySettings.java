package io.fovea.stream.batch;

import io.fovea.stream.limits.DecodedMemory;
import io.fovea.stream.limits.SizeBudget;
import io.fovea.stream.metrics.StreamMetrics;
import io.fovea.stream.model.CanaryGuard;
import io.fovea.stream.model.InferenceWorker;
import io.fovea.stream.predict.OutputEncoding;
import io.fovea.stream.validate.ImageValidator;
import java.time.Duration;

/** What a {@link ClassifyProcessor} needs; one instance serves every task. */
public record ClassifySettings(
        String inputTopic,
        String pendingStore,
        int maxBatchSize,
        Duration maxBatchWait,
        boolean closeWhenQueueEmpty,
        int topK,
        ImageValidator validator,
        SizeBudget budget,
        DecodedMemory memory,
        InferenceWorker worker,
        CanaryGuard guard,
        StreamMetrics metrics,
        OutputEncoding output,
        CommitPace commitPace,
        WaitAllowance waits) {
    /** How often each task looks at its batch: see {@link #lookEvery(boolean, Duration)}. */
    public Duration lookEvery() {
        return lookEvery(closeWhenQueueEmpty, maxBatchWait);
    }

    /**
     * How often a task looks at its batch, to close it and to emit finished ones: every 1 ms while
     * batches close when nothing waits for the model (each turn of the stream thread), else half
     * the batch wait, so that deadlines are met on time.
     */
    public static Duration lookEvery(boolean closeWhenQueueEmpty, Duration maxBatchWait) {
        return Duration.ofMillis(closeWhenQueueEmpty ? 1 : Math.max(1, maxBatchWait.toMillis() / 2));
    }
}
