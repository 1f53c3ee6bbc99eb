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
        CommitPace commitPace) {}
