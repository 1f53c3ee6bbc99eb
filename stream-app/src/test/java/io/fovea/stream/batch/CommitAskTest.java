package io.fovea.stream.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.core.runtime.NativeBackend;
import io.fovea.schemas.Topics;
import io.fovea.stream.FakeModel;
import io.fovea.stream.TestImages;
import io.fovea.stream.metrics.StreamMetrics;
import io.fovea.stream.model.InferenceWorker;
import io.fovea.stream.model.ModelSlot;
import io.fovea.stream.validate.ImageValidator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The processor asks Kafka Streams for a commit once its predictions are out, unless the model is backlogged. */
class CommitAskTest {
    private static final Duration INTERVAL = Duration.ofMillis(100);

    private MockProcessorContext<byte[], byte[]> context;
    private StreamMetrics metrics;
    private InferenceWorker worker;
    private ClassifyProcessor processor;

    @BeforeAll
    static void backend() {
        NativeBackend.configure();
    }

    @BeforeEach
    void start() {
        start(1, 100);
    }

    private void start(int maxBatchSize, long passMillis) {
        if (processor != null) {
            processor.close();
            worker.close();
        }
        context = new MockProcessorContext<>();
        KeyValueStore<Long, byte[]> store = ProcessorFixtures.added(context);
        metrics = new StreamMetrics(new SimpleMeterRegistry(), 10);
        FakeModel model = new FakeModel(1);
        model.passMillis = passMillis; // batches stay in flight long enough to hold the thread up
        worker = new InferenceWorker(new ModelSlot(model), maxBatchSize, metrics);
        processor = ProcessorFixtures.processor(
                maxBatchSize,
                new ImageValidator(100_000, 10_000),
                worker,
                metrics,
                new CommitPace(INTERVAL, worker::backloggedFor, metrics));
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
    void leavesTheCommitToKafkaStreamsAfterTheThreadHadToWaitForTheModel() throws Exception {
        lookForCommit(1_000);
        // one-image batches, four full batches' worth in flight: closing the fifth waits for the first's pass
        for (int offset = 0; offset <= ClassifyProcessor.MAX_IN_FLIGHT; offset++) {
            process(offset, 1_050);
        }
        awaitForwarded(1, 1_050);
        lookForCommit(1_100);
        assertFalse(context.committed(), "the input is ahead of the model");

        awaitForwarded(ClassifyProcessor.MAX_IN_FLIGHT + 1, 1_150);
        lookForCommit(1_200);
        assertTrue(context.committed(), "an interval without a wait: the backlog's predictions are asked for");
    }

    @Test
    void smallBatchesClosedAtTheirDeadlineNeitherHoldTheThreadUpNorCountAsABacklog() throws Exception {
        start(2, 300);
        lookForCommit(1_000);
        // more one-image batches than a task may have full batches in flight, closed by the deadline
        for (int offset = 0; offset <= ClassifyProcessor.MAX_IN_FLIGHT; offset++) {
            process(offset, 1_010);
            context.scheduledPunctuators().get(0).getPunctuator().punctuate(1_020);
        }
        assertTrue(context.forwarded().isEmpty(), "no close waited for the first pass to finish");
        awaitForwarded(ClassifyProcessor.MAX_IN_FLIGHT + 1, 1_050);
        lookForCommit(1_100);
        assertTrue(context.committed(), "a light load is no backlog");
    }

    /** Processes one image in a batch of its own and punctuates until its prediction is forwarded. */
    private void classifyOne(long nowMillis) throws InterruptedException {
        process(0, nowMillis);
        awaitForwarded(1, nowMillis);
    }

    private void process(long offset, long nowMillis) {
        context.setCurrentSystemTimeMs(nowMillis);
        context.setRecordMetadata(Topics.IMAGES, 0, offset);
        processor.process(new Record<>(null, TestImages.bytes("k" + offset, 1, 1), nowMillis));
    }

    /** Punctuates (emitting finished batches) until {@code count} predictions are forwarded. */
    private void awaitForwarded(int count, long nowMillis) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (context.forwarded().size() < count && System.nanoTime() < deadline) {
            Thread.sleep(5);
            context.scheduledPunctuators().get(0).getPunctuator().punctuate(nowMillis);
        }
        assertEquals(count, context.forwarded().size(), "the predictions");
    }

    private void lookForCommit(long nowMillis) {
        context.resetCommit();
        context.scheduledPunctuators().get(1).getPunctuator().punctuate(nowMillis);
    }
}
