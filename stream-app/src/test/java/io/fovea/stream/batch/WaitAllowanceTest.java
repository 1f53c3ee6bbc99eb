package io.fovea.stream.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** A stream thread's waits for the model end by half the transaction timeout after its last commit. */
class WaitAllowanceTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void aThreadMayWaitUntilHalfTheTimeoutAfterTheCommitItLastSaw() {
        WaitAllowance waits = WaitAllowance.within(Duration.ofSeconds(10));
        waits.turn(3, 100 * SECOND);
        assertEquals(105 * SECOND, waits.deadlineNanos());
        waits.turn(3, 104 * SECOND); // no commit since: the same transaction, the same deadline
        assertEquals(105 * SECOND, waits.deadlineNanos());
        waits.turn(4, 107 * SECOND); // committed after its last turn
        assertEquals(112 * SECOND, waits.deadlineNanos());
    }

    @Test
    void eachStreamThreadHasItsOwnTransactionAndSoItsOwnDeadline() throws Exception {
        WaitAllowance waits = WaitAllowance.within(Duration.ofSeconds(10));
        waits.turn(1, 100 * SECOND);
        long other = CompletableFuture.supplyAsync(() -> {
                    waits.turn(7, 200 * SECOND);
                    return waits.deadlineNanos();
                })
                .get();
        assertEquals(205 * SECOND, other);
        assertEquals(105 * SECOND, waits.deadlineNanos());
    }

    @Test
    void withoutALimitOrACommitCountAThreadWaitsAsLongAsItNeeds() {
        WaitAllowance.UNLIMITED.turn(3, 100 * SECOND);
        assertEquals(Long.MAX_VALUE, WaitAllowance.UNLIMITED.deadlineNanos());
        assertTrue(WaitAllowance.UNLIMITED.limit().isEmpty());

        WaitAllowance unread = WaitAllowance.within(Duration.ofSeconds(10));
        unread.turn(-1, 100 * SECOND); // Kafka Streams without the thread's commit-total
        assertEquals(Long.MAX_VALUE, unread.deadlineNanos());
        assertFalse(WaitAllowance.passed(Long.MAX_VALUE));
    }

    @Test
    void aDeadlineHasPassedFromItsVeryNanosecond() {
        long now = System.nanoTime();
        assertTrue(WaitAllowance.passed(now));
        assertFalse(WaitAllowance.passed(now + 60 * SECOND));
    }
}
