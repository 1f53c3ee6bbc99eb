package io.fovea.schemas;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.schemas.hostile.Allocation;
import io.fovea.schemas.serde.FoveaRecords;
import io.fovea.schemas.serde.SingleObjectCodec;
import io.fovea.schemas.serde.UndecodableRecordException;
import java.nio.ByteBuffer;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.apache.avro.specific.SpecificRecord;

/**
 * Whatever bytes follow a valid header, decoding returns a record or refuses with a reason, and
 * allocates in proportion to the bytes it was given, never to what they declare.
 */
class HostileBytesPropertiesTest {
    /** Decoding allocates at most this much per byte of input, plus a fixed allowance. */
    private static final long PER_BYTE = 64;

    private static final long FIXED = 256 * 1024;

    private static final List<SingleObjectCodec<?>> CODECS = FoveaRecords.ALL;

    private static final List<byte[]> VALID = List.of(
            FoveaRecords.IMAGE_EVENT.encode(SampleRecords.imageEvent()),
            FoveaRecords.PREDICTION.encode(SampleRecords.prediction()),
            FoveaRecords.DEAD_LETTER.encode(SampleRecords.deadLetter()),
            FoveaRecords.MODEL_RELEASE.encode(SampleRecords.modelRelease()));

    @Property(tries = 400)
    void anyBodyAfterAValidHeaderDecodesOrIsRefusedWithAReasonInBoundedMemory(
            @ForAll @IntRange(max = 3) int which, @ForAll @Size(max = 300) byte[] body) {
        SingleObjectCodec<?> codec = CODECS.get(which);
        byte[] header = java.util.Arrays.copyOf(VALID.get(which), 10);
        byte[] record =
                ByteBuffer.allocate(10 + body.length).put(header).put(body).array();
        assertBoundedOutcome(codec, record);
    }

    @Property(tries = 400)
    void aValidRecordWithBytesOverwrittenOrAHugeVarintInsertedStaysBounded(
            @ForAll @IntRange(max = 3) int which,
            @ForAll("mutations") List<Tuple.Tuple3<Integer, Integer, Boolean>> edits) {
        byte[] record = VALID.get(which).clone();
        for (Tuple.Tuple3<Integer, Integer, Boolean> edit : edits) {
            int at = 10 + Math.floorMod(edit.get1(), record.length - 10);
            if (edit.get3()) {
                record = insert(record, at, new byte[] {(byte) 0xFE, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F});
            } else {
                record[at] = edit.get2().byteValue();
            }
        }
        assertBoundedOutcome(CODECS.get(which), record);
    }

    @Provide
    Arbitrary<List<Tuple.Tuple3<Integer, Integer, Boolean>>> mutations() {
        Arbitrary<Tuple.Tuple3<Integer, Integer, Boolean>> one = Combinators.combine(
                        Arbitraries.integers().between(0, 10_000),
                        Arbitraries.integers().between(0, 255),
                        Arbitraries.of(true, false))
                .as(Tuple::of);
        return one.list().ofMinSize(1).ofMaxSize(4);
    }

    private static void assertBoundedOutcome(SingleObjectCodec<?> codec, byte[] record) {
        try {
            assertNotNull((SpecificRecord) codec.decode(record));
        } catch (UndecodableRecordException e) {
            assertNotNull(e.reason());
            assertTrue(e.getMessage().length() > 20, e.getMessage());
        }
        long allocated = Allocation.of(() -> codec.decode(record));
        assertTrue(
                allocated <= PER_BYTE * record.length + FIXED,
                allocated + " bytes allocated decoding " + record.length + " bytes");
    }

    private static byte[] insert(byte[] into, int at, byte[] what) {
        return ByteBuffer.allocate(into.length + what.length)
                .put(into, 0, at)
                .put(what)
                .put(into, at, into.length - at)
                .array();
    }
}
