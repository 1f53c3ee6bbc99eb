package io.fovea.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.avro.DeadLetterReason;
import io.fovea.avro.ImageEvent;
import io.fovea.schemas.hostile.Allocation;
import io.fovea.schemas.hostile.LengthBombs;
import io.fovea.schemas.serde.FoveaRecords;
import io.fovea.schemas.serde.SingleObjectCodec;
import io.fovea.schemas.serde.UndecodableRecordException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A length or count that lies is refused, naming its field, before anything is allocated for it. */
class LengthBombTest {
    /** Far less than any bomb declares: what decoding a refused record may allocate at most. */
    private static final long BOUND = 1 << 20;

    /** Every schema Fovea reads, current and earlier, with the codec that reads it. */
    static Stream<Object[]> bombs() {
        List<Object[]> all = new ArrayList<>();
        for (SingleObjectCodec<?> codec : FoveaRecords.ALL) {
            List<Schema> schemas = new ArrayList<>(codec.earlier());
            schemas.add(codec.schema());
            for (Schema schema : schemas) {
                for (long declared : new long[] {LengthBombs.DECLARED, Long.MAX_VALUE, Long.MIN_VALUE, -1}) {
                    for (LengthBombs.Bomb bomb : LengthBombs.of(schema, declared)) {
                        // a negative item count is Avro's block with its size in bytes: not a lie in itself
                        if (declared != -1 || bomb.type() == Schema.Type.STRING || bomb.type() == Schema.Type.BYTES) {
                            all.add(new Object[] {codec, bomb});
                        }
                    }
                }
            }
        }
        return all.stream();
    }

    @Test
    void theFifteenByteRecordOfTheIssueIsMalformedAndNamesTheId() {
        byte[] bomb = LengthBombs.of(ImageEvent.getClassSchema(), LengthBombs.DECLARED)
                .get(0)
                .bytes();
        assertEquals(15, bomb.length);
        assertEquals("ee ff ff ff 0f", HexFormat.ofDelimiter(" ").formatHex(bomb, 10, 15));
        UndecodableRecordException e =
                assertThrows(UndecodableRecordException.class, () -> FoveaRecords.IMAGE_EVENT.decode(bomb));
        assertEquals(DeadLetterReason.MALFORMED_AVRO, e.reason());
        assertTrue(e.getMessage().contains("field id declares a string of 2147483639 bytes"), e.getMessage());
        assertTrue(Allocation.of(() -> FoveaRecords.IMAGE_EVENT.decode(bomb)) < BOUND);
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("bombs")
    void everyLyingLengthOfEverySchemaIsMalformedNamesItsFieldAndAllocatesLittle(
            SingleObjectCodec<?> codec, LengthBombs.Bomb bomb) {
        UndecodableRecordException e = assertThrows(UndecodableRecordException.class, () -> codec.decode(bomb.bytes()));
        assertEquals(DeadLetterReason.MALFORMED_AVRO, e.reason(), e.getMessage());
        String field = bomb.path().replace("[0]", "").replace("{}", "");
        assertTrue(e.getMessage().contains("field " + field + " declares"), e.getMessage());
        Allocation.of(() -> codec.decode(bomb.bytes())); // the first call also loads classes
        long allocated = Allocation.of(() -> codec.decode(bomb.bytes()));
        assertTrue(allocated < BOUND, allocated + " bytes allocated for " + bomb);
    }

    @Test
    void aLengthAtTheLimitDecodesAndOneByteOverIsMalformedWhileOneCutShortIsTruncated() {
        int limit = 12;
        // the pixels declare their length, that many bytes follow, then a null label and no attributes
        ImageEvent atLimit = FoveaRecords.IMAGE_EVENT.decode(pixelsDeclaring(limit, limit, new byte[] {0, 0}), limit);
        assertEquals(limit, atLimit.getPixels().remaining());

        byte[] over = pixelsDeclaring(limit + 1, limit, new byte[0]);
        UndecodableRecordException malformed =
                assertThrows(UndecodableRecordException.class, () -> FoveaRecords.IMAGE_EVENT.decode(over, limit));
        assertEquals(DeadLetterReason.MALFORMED_AVRO, malformed.reason(), malformed.getMessage());
        assertTrue(
                malformed.getMessage().contains("field pixels declares bytes of 13 bytes, but 12 bytes are left"),
                malformed.getMessage());
        UndecodableRecordException cut =
                assertThrows(UndecodableRecordException.class, () -> FoveaRecords.IMAGE_EVENT.decode(over, limit + 1));
        assertEquals(DeadLetterReason.TRUNCATED, cut.reason(), cut.getMessage());
        assertTrue(cut.getMessage().contains("field pixels"), cut.getMessage());
    }

    /** An ImageEvent whose pixels declare {@code declared} bytes, followed by {@code present} bytes and {@code rest}. */
    private static byte[] pixelsDeclaring(long declared, int present, byte[] rest) {
        byte[] head = LengthBombs.of(ImageEvent.getClassSchema(), declared).stream()
                .filter(b -> b.path().equals("pixels"))
                .findFirst()
                .orElseThrow()
                .bytes();
        ByteBuffer all = ByteBuffer.allocate(head.length + present + rest.length);
        return all.put(head).put(new byte[present]).put(rest).array();
    }
}
