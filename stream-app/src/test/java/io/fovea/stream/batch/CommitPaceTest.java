package io.fovea.stream.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class CommitPaceTest {
    private static final Duration INTERVAL = Duration.ofMillis(100);

    private final AtomicBoolean backlogged = new AtomicBoolean();
    private final CommitPace pace = new CommitPace(INTERVAL, period -> {
        assertEquals(INTERVAL, period, "the backlog must have lasted a whole interval");
        return backlogged.get();
    });

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
    void underABacklogLeavesTheCommitToKafkaStreamsAndAsksOnceTheBacklogEnds() {
        pace.forwarded();
        backlogged.set(true);
        assertFalse(pace.askNow(1_000));
        assertFalse(pace.askNow(1_100));
        backlogged.set(false);
        assertTrue(pace.askNow(1_200), "what was forwarded under the backlog is still asked for");
    }

    @Test
    void eachStreamThreadKeepsItsOwnPaceAsEachCommitsItsOwnTransaction() throws Exception {
        pace.forwarded();
        assertFalse(
                CompletableFuture.supplyAsync(() -> pace.askNow(1_000)).get(), "the other thread forwarded nothing");
        assertTrue(pace.askNow(1_000));
    }

    @Test
    void looksTwiceAnIntervalAndKafkaStreamsOwnPaceNeverAsks() {
        assertEquals(Optional.of(Duration.ofMillis(50)), pace.lookEvery());
        CommitPace.STREAMS_OWN.forwarded();
        assertFalse(CommitPace.STREAMS_OWN.askNow(1_000));
        assertEquals(Optional.empty(), CommitPace.STREAMS_OWN.lookEvery());
    }
}
