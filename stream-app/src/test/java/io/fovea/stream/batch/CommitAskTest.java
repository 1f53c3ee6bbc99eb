package io.fovea.stream.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.core.runtime.NativeBackend;
import io.fovea.stream.FakeModel;
import io.fovea.stream.limits.DecodedMemory;
import io.fovea.stream.metrics.StreamMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The processor asks Kafka Streams for a commit once its predictions are out, unless the model is backlogged. */
class CommitAskTest {
    private static final Duration INTERVAL = Duration.ofMillis(100);
    /** More batches than a task may have in flight: the model's queue never holds a close back. */
    private static final int LONG_QUEUE = 2 * InFlightBatches.MAX_IN_FLIGHT;

    private ProcessorUnderTest p;
    private MockProcessorContext<byte[], byte[]> context;

    @BeforeAll
    static void backend() {
        NativeBackend.configure();
    }

    @BeforeEach
    void start() {
        start(1, 100, LONG_QUEUE);
    }

    /** @param queueBatches full batches the model's queue may hold before closing another waits */
    private void start(int maxBatchSize, long passMillis, int queueBatches) {
        if (p != null) {
            p.close();
        }
        StreamMetrics metrics = new StreamMetrics(new SimpleMeterRegistry(), 10);
        FakeModel model = new FakeModel(1);
        model.passMillis = passMillis; // batches stay in flight long enough to hold the thread up
        p = new ProcessorUnderTest(
                maxBatchSize,
                false,
                new DecodedMemory(1 << 20),
                queueBatches,
                model,
                metrics,
                worker -> new CommitPace(INTERVAL, worker::backloggedFor, metrics));
        context = p.context;
    }

    @AfterEach
    void stop() {
        p.close();
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
        for (int offset = 0; offset <= InFlightBatches.MAX_IN_FLIGHT; offset++) {
            process(offset, 1_050);
        }
        awaitForwarded(1, 1_050);
        lookForCommit(1_100);
        assertFalse(context.committed(), "the input is ahead of the model");

        awaitForwarded(InFlightBatches.MAX_IN_FLIGHT + 1, 1_150);
        lookForCommit(1_200);
        assertTrue(context.committed(), "an interval without a wait: the backlog's predictions are asked for");
    }

    @Test
    void leavesTheCommitToKafkaStreamsAfterTheThreadWaitedForRoomInTheModelsQueue() throws Exception {
        start(1, 100, 1);
        lookForCommit(1_000);
        // one-image batches, one pass at a time: the first in its pass, the second waiting for the next
        process(0, 1_050);
        process(1, 1_050);
        long before = System.nanoTime();
        process(2, 1_050);
        assertTrue(System.nanoTime() - before >= 50_000_000L, "closing the third waited for a pass to take the second");
        lookForCommit(1_100);
        assertFalse(context.committed(), "the input is ahead of the model");

        awaitForwarded(3, 1_150);
        lookForCommit(1_200);
        assertTrue(context.committed(), "an interval without a wait: the backlog's predictions are asked for");
    }

    @Test
    void smallBatchesClosedAtTheirDeadlineNeitherHoldTheThreadUpNorCountAsABacklog() throws Exception {
        start(2, 300, LONG_QUEUE);
        lookForCommit(1_000);
        // more one-image batches than a task may have full batches in flight, closed by the deadline
        for (int offset = 0; offset <= InFlightBatches.MAX_IN_FLIGHT; offset++) {
            process(offset, 1_010);
            p.punctuate(1_020);
        }
        assertTrue(context.forwarded().isEmpty(), "no close waited for the first pass to finish");
        awaitForwarded(InFlightBatches.MAX_IN_FLIGHT + 1, 1_050);
        lookForCommit(1_100);
        assertTrue(context.committed(), "a light load is no backlog");
    }

    /** Processes one image in a batch of its own and punctuates until its prediction is forwarded. */
    private void classifyOne(long nowMillis) throws InterruptedException {
        process(0, nowMillis);
        awaitForwarded(1, nowMillis);
    }

    private void process(long offset, long nowMillis) {
        p.process(offset, nowMillis);
    }

    private void awaitForwarded(int count, long nowMillis) throws InterruptedException {
        p.awaitForwarded(count, nowMillis);
    }

    private void lookForCommit(long nowMillis) {
        context.resetCommit();
        context.scheduledPunctuators().get(1).getPunctuator().punctuate(nowMillis);
    }
}
