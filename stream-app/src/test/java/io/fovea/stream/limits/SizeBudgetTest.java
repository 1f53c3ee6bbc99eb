package io.fovea.stream.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.stream.batch.HeldCopy;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;

class SizeBudgetTest {
    private static final Header[] NONE = new Header[0];
    private static final RecordLimit DEFAULTS = new RecordLimit("t", 1_048_588, 1_048_576);

    @Test
    void atAutoTheInputLimitIsWhatTheChangelogCanHoldToTheByte() {
        SizeBudget budget = SizeBudget.of(DEFAULTS, DEFAULTS, DEFAULTS, DEFAULTS, null, "max.payload.bytes");
        int max = budget.maxPayloadBytes();
        assertEquals(SizeBudget.largestHeld(DEFAULTS), max);
        assertTrue(budget.holds(HeldCopy.size(new byte[0], new byte[max], NONE)));
        assertFalse(budget.holds(HeldCopy.size(new byte[0], new byte[max + 1], NONE)));
        assertTrue(
                budget.holds(HeldCopy.size(new byte[10], new byte[max - 10], NONE)),
                "key and value share the held copy");
        assertFalse(budget.holds(HeldCopy.size(new byte[10], new byte[max - 9], NONE)));
        assertTrue(budget.holds(HeldCopy.size(null, new byte[max], NONE)));
        Header[] trace = {new RecordHeader("traceparent", new byte[55])};
        assertFalse(budget.holds(HeldCopy.size(new byte[0], new byte[max], trace)), "headers are held too");
        assertTrue(budget.holds(HeldCopy.size(new byte[0], new byte[max - 8 - 8 - 11 - 55], trace)));
    }

    @Test
    void aPayloadLimitAboveWhatTheChangelogHoldsIsRefusedNamingBothNumbers() {
        int capacity = SizeBudget.largestHeld(DEFAULTS);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> SizeBudget.of(DEFAULTS, DEFAULTS, DEFAULTS, DEFAULTS, 10_485_760L, "max.payload.bytes"));
        assertTrue(e.getMessage().contains("max.payload.bytes=10485760"), e.getMessage());
        assertTrue(e.getMessage().contains(capacity + " bytes"), e.getMessage());
        assertTrue(e.getMessage().contains("max.message.bytes=1048588"), e.getMessage());
        assertEquals(
                capacity,
                SizeBudget.of(DEFAULTS, DEFAULTS, DEFAULTS, DEFAULTS, (long) capacity, "x")
                        .maxPayloadBytes(),
                "exactly at the limit is accepted");
        assertThrows(
                IllegalArgumentException.class,
                () -> SizeBudget.of(DEFAULTS, DEFAULTS, DEFAULTS, DEFAULTS, capacity + 1L, "max.payload.bytes"));
    }

    @Test
    void aDeadLetterTopicTooSmallForAnyDeadLetterIsRefused() {
        RecordLimit tiny = new RecordLimit("fovea.images.dlq", 1000, 1_048_576);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> SizeBudget.of(DEFAULTS, DEFAULTS, DEFAULTS, tiny, null, "max.payload.bytes"));
        assertTrue(e.getMessage().contains("fovea.images.dlq max.message.bytes=1000"), e.getMessage());
        assertTrue(e.getMessage().contains(Integer.toString(SizeBudget.MIN_DEAD_LETTER_BYTES)), e.getMessage());
    }
}
