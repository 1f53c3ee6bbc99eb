package io.fovea.stream.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.core.runtime.NativeBackend;
import io.fovea.schemas.serde.FoveaRecords;
import io.fovea.stream.FakeModel;
import io.fovea.stream.limits.DecodedMemory;
import io.fovea.stream.metrics.StreamMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Both of a task's limits reached at once: its batches in flight at {@link
 * InFlightBatches.MAX_IN_FLIGHT} full batches' worth, and the instance's decoded bytes at their
 * cap. An image that fills the cap exactly is taken without waiting; the next, one image over,
 * waits for the oldest batch only, and nothing is lost or reordered.
 */
class InFlightAtTheMemoryCapTest {
    private static final int BATCH = 2;
    /** A test image: 2x2 RGB, as the model takes it. */
    private static final int IMAGE_BYTES = 12;

    private static final int IN_FLIGHT = InFlightBatches.MAX_IN_FLIGHT * BATCH;
    /** Batches the model's queue may hold: more than the task's, so the task's own limit is met first. */
    private static final int LONG_QUEUE = 2 * InFlightBatches.MAX_IN_FLIGHT;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final FakeModel model = new FakeModel(1);
    // every image in flight and one held for the next batch
    private final DecodedMemory memory = new DecodedMemory((IN_FLIGHT + 1) * IMAGE_BYTES);
    private ProcessorUnderTest p;

    @BeforeAll
    static void backend() {
        NativeBackend.configure();
    }

    @AfterEach
    void stop() {
        p.close();
    }

    @Test
    void anImageOneOverTheCapAtTheInFlightLimitWaitsForTheOldestBatchOnlyAndNothingIsLost() throws Exception {
        model.passMillis = 500; // one pass at a time: the batches stay in flight while the test looks
        p = new ProcessorUnderTest(
                BATCH,
                false,
                memory,
                LONG_QUEUE,
                model,
                new StreamMetrics(registry, 10),
                worker -> CommitPace.STREAMS_OWN);
        for (long offset = 0; offset < IN_FLIGHT; offset++) {
            p.process(offset, 1_000);
        }
        assertEquals(IN_FLIGHT * IMAGE_BYTES, memory.held(), "four full batches in flight");

        p.process(IN_FLIGHT, 1_000);
        assertEquals(memory.capacity(), memory.held(), "the image that fills the cap exactly");
        assertEquals(0.0, closed("memory"), "taken without closing its batch early");
        assertTrue(p.context.forwarded().isEmpty(), "nor waiting for the model");

        long before = System.nanoTime();
        p.process(IN_FLIGHT + 1, 1_000);
        assertTrue(System.nanoTime() - before > 100_000_000L, "it waited for the model's first pass");
        assertEquals(1.0, closed("memory"), "the held image went to the model to make room");
        assertEquals(List.of("k0", "k1"), ids(), "only the oldest batch was waited for and emitted");
        assertEquals(IN_FLIGHT * IMAGE_BYTES, memory.held(), "its two images' bytes given back, the new one's taken");

        p.awaitForwarded(IN_FLIGHT + 2, 1_020); // the last image's batch closes at its deadline
        assertEquals(
                LongStream.rangeClosed(0, IN_FLIGHT + 1).mapToObj(o -> "k" + o).toList(),
                ids(),
                "every image once, in the order it came");
        assertEquals(0, memory.held(), "every emitted image gave its bytes back");
        // the two one-image batches may share a pass: the model takes what waits, up to a batch
        assertEquals(
                IN_FLIGHT + 2,
                model.batchSizes.stream().mapToInt(Integer::intValue).sum(),
                "each once");
    }

    private List<String> ids() {
        return p.context.forwarded().stream()
                .map(f -> FoveaRecords.PREDICTION.decode(f.record().value()).getId())
                .toList();
    }

    private double closed(String cause) {
        Counter counter =
                registry.find("fovea.batches.closed").tag("cause", cause).counter();
        return counter == null ? 0 : counter.count();
    }
}
