package io.fovea.stream.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.core.runtime.NativeBackend;
import io.fovea.schemas.Topics;
import io.fovea.stream.FakeModel;
import io.fovea.stream.FoveaTopology;
import io.fovea.stream.TestImages;
import io.fovea.stream.limits.DecodedMemory;
import io.fovea.stream.limits.SizeBudget;
import io.fovea.stream.metrics.StreamMetrics;
import io.fovea.stream.model.CanaryGuard;
import io.fovea.stream.model.InferenceWorker;
import io.fovea.stream.model.ModelSlot;
import io.fovea.stream.predict.OutputEncoding;
import io.fovea.stream.validate.ImageValidator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The processor asks Kafka Streams for a commit once its predictions are out, unless the model is backlogged. */
class CommitAskTest {
    private static final Duration INTERVAL = Duration.ofMillis(100);

    private final AtomicBoolean backlogged = new AtomicBoolean();
    private final MockProcessorContext<byte[], byte[]> context = new MockProcessorContext<>();
    private StreamMetrics metrics;
    private InferenceWorker worker;
    private ClassifyProcessor processor;

    @BeforeAll
    static void backend() {
        NativeBackend.configure();
    }

    @BeforeEach
    void start() {
        KeyValueStore<Long, byte[]> store = Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(FoveaTopology.PENDING_STORE), Serdes.Long(), Serdes.ByteArray())
                .withLoggingDisabled()
                .build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        metrics = new StreamMetrics(new SimpleMeterRegistry(), 10);
        worker = new InferenceWorker(new ModelSlot(new FakeModel(1)), 1, metrics);
        processor = new ClassifyProcessor(new ClassifySettings(
                Topics.IMAGES,
                FoveaTopology.PENDING_STORE,
                1,
                Duration.ofMillis(10),
                2,
                new ImageValidator(100_000, 10_000),
                SizeBudget.atKafkaDefaults(),
                new DecodedMemory(1 << 20),
                worker,
                new CanaryGuard(worker::lineup),
                metrics,
                OutputEncoding.SINGLE_OBJECT,
                new CommitPace(INTERVAL, period -> backlogged.get())));
        context.setCurrentSystemTimeMs(1_000);
        processor.init(context);
    }

    @AfterEach
    void stop() {
        processor.close();
        worker.close();
    }

    @Test
    void asksForACommitAtTheNextLookOnceAPredictionIsForwarded() throws Exception {
        assertEquals(
                INTERVAL.dividedBy(2), context.scheduledPunctuators().get(1).getInterval());
        lookForCommit(1_000);
        assertFalse(context.committed(), "nothing forwarded yet");

        classifyOne(1_050);
        lookForCommit(1_100);
        assertTrue(context.committed());
    }

    @Test
    void leavesTheCommitToKafkaStreamsWhileTheModelIsBacklogged() throws Exception {
        backlogged.set(true);
        classifyOne(1_000);
        lookForCommit(1_100);
        assertFalse(context.committed());

        backlogged.set(false);
        lookForCommit(1_200);
        assertTrue(context.committed(), "the prediction forwarded under the backlog is asked for after it");
    }

    /** Processes one image in a batch of its own and punctuates until its prediction is forwarded. */
    private void classifyOne(long nowMillis) throws InterruptedException {
        context.setCurrentSystemTimeMs(nowMillis);
        context.setRecordMetadata(Topics.IMAGES, 0, 0);
        processor.process(new Record<>(null, TestImages.bytes("k", 1, 1), nowMillis));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (context.forwarded().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(5);
            context.scheduledPunctuators().get(0).getPunctuator().punctuate(nowMillis);
        }
        assertEquals(1, context.forwarded().size(), "the prediction");
    }

    private void lookForCommit(long nowMillis) {
        context.resetCommit();
        context.scheduledPunctuators().get(1).getPunctuator().punctuate(nowMillis);
    }
}
