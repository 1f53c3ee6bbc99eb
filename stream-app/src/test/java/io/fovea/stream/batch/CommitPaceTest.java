package io.fovea.stream.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.stream.metrics.StreamMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class CommitPaceTest {
    private static final Duration INTERVAL = Duration.ofMillis(100);

    private final StreamMetrics metrics = new StreamMetrics(new SimpleMeterRegistry(), 10);
    private final AtomicBoolean modelBacklogged = new AtomicBoolean();
    private final CommitPace pace = new CommitPace(
            INTERVAL,
            period -> {
                assertEquals(INTERVAL, period, "images must have waited a whole interval");
                return modelBacklogged.get();
            },
            metrics);

    @Test
    void asksOnceAnIntervalForWhatWasForwardedSinceItsLastAsk() {
        pace.forwarded();
        assertTrue(pace.askNow(1_000));
        pace.forwarded();
        assertFalse(pace.askNow(1_099), "within the interval");
        assertTrue(pace.askNow(1_100));
        assertFalse(pace.askNow(1_300), "nothing forwarded since: nothing to make visible");
    }

    @Test
    void afterAWaitForTheModelLeavesTheCommitToKafkaStreamsAndAsksOnceAnIntervalPassesWithoutOne() {
        assertFalse(pace.askNow(900));
        pace.forwarded();
        pace.waitedForModel();
        assertFalse(pace.askNow(1_000));
        pace.waitedForModel();
        assertFalse(pace.askNow(1_100), "still waiting for the model");
        assertTrue(pace.askNow(1_200), "what was forwarded under the backlog is asked for after it");
        assertEquals(2, looks("backlogged"));
        assertEquals(1, looks("asked"));
    }

    @Test
    void imagesWaitingForAPassAWholeIntervalAreABacklogToo() {
        pace.forwarded();
        modelBacklogged.set(true);
        assertFalse(pace.askNow(1_000));
        modelBacklogged.set(false);
        assertTrue(pace.askNow(1_100));
    }

    @Test
    void eachStreamThreadKeepsItsOwnPaceAsEachCommitsItsOwnTransaction() throws Exception {
        pace.forwarded();
        assertFalse(
                CompletableFuture.supplyAsync(() -> pace.askNow(1_000)).get(), "the other thread forwarded nothing");
        CompletableFuture.runAsync(pace::waitedForModel).get();
        assertTrue(pace.askNow(1_000), "another thread's wait is not this one's");
    }

    @Test
    void looksTwiceAnIntervalAndKafkaStreamsOwnPaceNeverAsks() {
        assertEquals(Optional.of(Duration.ofMillis(50)), pace.lookEvery());
        CommitPace.STREAMS_OWN.forwarded();
        assertFalse(CommitPace.STREAMS_OWN.askNow(1_000));
        assertEquals(Optional.empty(), CommitPace.STREAMS_OWN.lookEvery());
    }

    private double looks(String outcome) {
        return metrics.registry()
                .get("fovea.commit.looks")
                .tag("outcome", outcome)
                .counter()
                .count();
    }
}
