package io.fovea.stream.batch;

import io.fovea.schemas.Topics;
import io.fovea.stream.FoveaTopology;
import io.fovea.stream.limits.DecodedMemory;
import io.fovea.stream.limits.SizeBudget;
import io.fovea.stream.metrics.StreamMetrics;
import io.fovea.stream.model.CanaryGuard;
import io.fovea.stream.model.InferenceWorker;
import io.fovea.stream.predict.OutputEncoding;
import io.fovea.stream.validate.ImageValidator;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/** A classify processor and its pending-images store as the tests build them: in memory, without a changelog. */
final class ProcessorFixtures {
    private ProcessorFixtures() {}

    /** A store opened on the context, not yet given to it. */
    static KeyValueStore<Long, byte[]> opened(MockProcessorContext<?, ?> context) {
        KeyValueStore<Long, byte[]> store = Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(FoveaTopology.PENDING_STORE), Serdes.Long(), Serdes.ByteArray())
                .withLoggingDisabled()
                .build();
        store.init(context.getStateStoreContext(), store);
        return store;
    }

    /** A store opened on the context and given to it, for the processor's init to find. */
    static KeyValueStore<Long, byte[]> added(MockProcessorContext<?, ?> context) {
        KeyValueStore<Long, byte[]> store = opened(context);
        context.addStateStore(store);
        return store;
    }

    /**
     * A processor of {@link Topics#IMAGES} with a 10 ms batch wait, top 2, Kafka's default size
     * budget and a 1 MiB decoded cap, around what each test varies; its batches close at their
     * size or deadline only, as most tests count them.
     */
    static ClassifyProcessor processor(
            int maxBatchSize,
            ImageValidator validator,
            InferenceWorker worker,
            StreamMetrics metrics,
            CommitPace pace) {
        return processor(maxBatchSize, false, validator, worker, metrics, pace);
    }

    /** The same, closing a batch at the next turn when nothing waits for the model if {@code closeWhenQueueEmpty}. */
    static ClassifyProcessor processor(
            int maxBatchSize,
            boolean closeWhenQueueEmpty,
            ImageValidator validator,
            InferenceWorker worker,
            StreamMetrics metrics,
            CommitPace pace) {
        return processor(
                maxBatchSize, closeWhenQueueEmpty, validator, new DecodedMemory(1 << 20), worker, metrics, pace);
    }

    /** The same, under the decoded-bytes cap {@code memory}. */
    static ClassifyProcessor processor(
            int maxBatchSize,
            boolean closeWhenQueueEmpty,
            ImageValidator validator,
            DecodedMemory memory,
            InferenceWorker worker,
            StreamMetrics metrics,
            CommitPace pace) {
        return new ClassifyProcessor(new ClassifySettings(
                Topics.IMAGES,
                FoveaTopology.PENDING_STORE,
                maxBatchSize,
                Duration.ofMillis(10),
                closeWhenQueueEmpty,
                2,
                validator,
                SizeBudget.atKafkaDefaults(),
                memory,
                worker,
                new CanaryGuard(worker::lineup),
                metrics,
                OutputEncoding.SINGLE_OBJECT,
                pace,
                WaitAllowance.UNLIMITED));
    }
}
