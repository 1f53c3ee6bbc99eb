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
        int topK,
        ImageValidator validator,
        SizeBudget budget,
        DecodedMemory memory,
        InferenceWorker worker,
        CanaryGuard guard,
        StreamMetrics metrics,
        OutputEncoding output,
        CommitPace commitPace) {
    /** Outputs in single-object encoding, committed at Kafka Streams' own interval. */
    public ClassifySettings(
            String inputTopic,
            String pendingStore,
            int maxBatchSize,
            Duration maxBatchWait,
            int topK,
            ImageValidator validator,
            SizeBudget budget,
            DecodedMemory memory,
            InferenceWorker worker,
            CanaryGuard guard,
            StreamMetrics metrics) {
        this(
                inputTopic,
                pendingStore,
                maxBatchSize,
                maxBatchWait,
                topK,
                validator,
                budget,
                memory,
                worker,
                guard,
                metrics,
                OutputEncoding.SINGLE_OBJECT,
                CommitPace.STREAMS_OWN);
    }
}
