package io.fovea.stream.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;

class HeldCopyTest {
    private static final byte[] KEY = "k1".getBytes(StandardCharsets.UTF_8);
    private static final byte[] VALUE = {1, 2, 3, 4};

    @Test
    void aCopyWithHeadersReadsBackWhole() {
        Header[] headers = {
            new RecordHeader("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".getBytes()),
            new RecordHeader("empty", null),
            new RecordHeader("tenant", "é".getBytes(StandardCharsets.UTF_8))
        };
        byte[] copy = HeldCopy.encode(KEY, VALUE, headers);
        assertEquals(HeldCopy.size(KEY, VALUE, headers), copy.length);
        HeldCopy.Parts parts = HeldCopy.decode(copy);
        assertArrayEquals(KEY, parts.key());
        assertArrayEquals(VALUE, parts.value());
        assertArrayEquals(headers, parts.headers(), "names, values (null included) and order");
    }

    /** Copies held before headers were kept are in changelogs already: they must still read. */
    @Test
    void aCopyWithoutHeadersHasTheEarlierLayoutAndAnEarlierCopyStillReads() {
        ByteBuffer earlier = ByteBuffer.allocate(8 + KEY.length + VALUE.length);
        earlier.putInt(KEY.length).put(KEY).putInt(VALUE.length).put(VALUE);
        assertArrayEquals(earlier.array(), HeldCopy.encode(KEY, VALUE, new Header[0]));
        HeldCopy.Parts parts = HeldCopy.decode(earlier.array());
        assertArrayEquals(VALUE, parts.value());
        assertEquals(0, parts.headers().length);

        ByteBuffer nullKey = ByteBuffer.allocate(8 + VALUE.length);
        nullKey.putInt(-1).putInt(VALUE.length).put(VALUE);
        assertNull(HeldCopy.decode(nullKey.array()).key());
        assertArrayEquals(nullKey.array(), HeldCopy.encode(null, VALUE, new Header[0]));
    }

    /** The changelog is a topic: a copy someone else wrote there is refused before anything is allocated for it. */
    @Test
    void aCopyThatDeclaresMoreThanItHoldsIsRefusedWithoutAllocatingWhatItDeclares() {
        byte[][] hostile = {
            ByteBuffer.allocate(8).putInt(Integer.MAX_VALUE).putInt(0).array(),
            ByteBuffer.allocate(8).putInt(-7).putInt(0).array(),
            ByteBuffer.allocate(12)
                    .putInt(-2)
                    .putInt(Integer.MAX_VALUE)
                    .putInt(0)
                    .array(),
            ByteBuffer.allocate(12)
                    .putInt(0)
                    .putInt(Integer.MAX_VALUE - 8)
                    .putInt(0)
                    .array(),
            new byte[] {0, 0},
            new byte[0]
        };
        for (byte[] bytes : hostile) {
            long allocated = io.fovea.schemas.hostile.Allocation.of(
                    () -> assertThrows(IllegalArgumentException.class, () -> HeldCopy.decode(bytes)));
            assertTrue(allocated < 1 << 20, allocated + " bytes allocated for " + java.util.Arrays.toString(bytes));
        }
    }
}
