package io.fovea.stream.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.avro.Prediction;
import io.fovea.core.image.RgbImage;
import io.fovea.core.runtime.NativeBackend;
import io.fovea.schemas.serde.FoveaRecords;
import io.fovea.stream.FakeModel;
import io.fovea.stream.metrics.StreamMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A batch closes at the stream thread's next turn when no images wait for a forward pass, rather
 * than at its deadline (10 ms here); while images wait, it fills until its size or deadline.
 */
class CloseWhenQueueEmptyTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final FakeModel model = new FakeModel(1);
    private ProcessorUnderTest p;

    @BeforeAll
    static void backend() {
        NativeBackend.configure();
    }

    private void start(boolean closeWhenQueueEmpty) {
        p = new ProcessorUnderTest(
                32, closeWhenQueueEmpty, model, new StreamMetrics(registry, 10), worker -> CommitPace.STREAMS_OWN);
    }

    @AfterEach
    void stop() {
        p.close();
    }

    @Test
    void withNothingWaitingForTheModelTheHeldImagesGoAtTheThreadsNextTurnNotAtTheirDeadline() throws Exception {
        start(true);
        assertEquals(
                Duration.ofMillis(1), p.context.scheduledPunctuators().get(0).getInterval(), "a look every turn");
        processThree(1_000);
        punctuate(1_001);
        assertEquals(1.0, closed("queue_empty"), "closed 1 ms after its images came, 9 before its deadline");
        awaitForwarded(3, 1_001);
        for (var forwarded : p.context.forwarded()) {
            Prediction prediction =
                    FoveaRecords.PREDICTION.decode(forwarded.record().value());
            assertEquals(3, prediction.getBatchSize(), "the three in one pass");
        }
        assertEquals(0.0, closed("deadline"));
    }

    @Test
    void withImagesWaitingForTheModelTheBatchFillsUntilItsDeadline() throws Exception {
        start(true);
        model.passMillis = 500;
        var busy = p.worker.submit(List.of(image())); // the only inference thread's pass
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (model.batchSizes.isEmpty() && System.nanoTime() < until) {
            Thread.sleep(1); // in the model, not merged with the next
        }
        var waiting = p.worker.submit(List.of(image()));
        processThree(1_000);
        punctuate(1_005);
        assertEquals(0.0, closed("queue_empty"), "an image already waits for the next pass");
        assertTrue(p.context.forwarded().isEmpty());
        punctuate(1_010);
        assertEquals(1.0, closed("deadline"));
        busy.get();
        model.passMillis = 0;
        waiting.get();
        awaitForwarded(3, 1_010);
    }

    @Test
    void withTheSettingOffAnIdleModelStillWaitsForTheDeadline() throws Exception {
        start(false);
        assertEquals(
                Duration.ofMillis(5), p.context.scheduledPunctuators().get(0).getInterval());
        processThree(1_000);
        punctuate(1_005);
        assertEquals(0.0, closed("queue_empty") + closed("deadline"), "held: not yet at its deadline");
        punctuate(1_010);
        assertEquals(1.0, closed("deadline"));
        awaitForwarded(3, 1_010);
    }

    private static RgbImage image() {
        return new RgbImage(2, 2, new byte[12]);
    }

    private void processThree(long nowMillis) {
        for (int offset = 0; offset < 3; offset++) {
            p.process(offset, nowMillis);
        }
    }

    private void punctuate(long nowMillis) {
        p.punctuate(nowMillis);
    }

    private void awaitForwarded(int count, long nowMillis) throws InterruptedException {
        p.awaitForwarded(count, nowMillis);
    }

    private double closed(String cause) {
        Counter counter =
                registry.find("fovea.batches.closed").tag("cause", cause).counter();
        return counter == null ? 0 : counter.count();
    }
}
