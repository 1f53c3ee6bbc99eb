package io.fovea.schemas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fovea.avro.DeadLetter;
import io.fovea.avro.DeadLetterReason;
import io.fovea.avro.ImageEvent;
import io.fovea.avro.PixelFormat;
import io.fovea.schemas.serde.FoveaRecords;
import io.fovea.schemas.serde.SingleObjectEncoding;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

/**
 * The wire contract other languages rely on. A change that fails here changes the fingerprint
 * every non-Java producer and consumer has been given: make it a new schema version on purpose
 * (docs/wire-format.md, "Evolving the schemas"), never by accident.
 */
class SchemaContractTest {

    @Test
    void fingerprintsOnTheWireAreStable() {
        assertEquals("6C 17 5D 13 73 5D 50 9E", SingleObjectEncoding.wireHex(FoveaRecords.IMAGE_EVENT.fingerprint()));
        assertEquals("13 EA D7 E1 C6 C7 2C D6", SingleObjectEncoding.wireHex(FoveaRecords.PREDICTION.fingerprint()));
        // Version 2 (truncation fields, OUTPUT_TOO_LARGE and PROCESSING_FAILED); version 1 was 99 32 3B DB 2E 0D 51 BD.
        assertEquals("56 35 84 A3 46 3E D2 C2", SingleObjectEncoding.wireHex(FoveaRecords.DEAD_LETTER.fingerprint()));
        // Version 3 (a canary's salt); version 2 was 36 6E 1D 8F 54 7B 32 04, version 1 99 BA 5F C5 67 41 DC 15.
        assertEquals("23 5D A3 3E 7F C5 5C 8D", SingleObjectEncoding.wireHex(FoveaRecords.MODEL_RELEASE.fingerprint()));
    }

    /** Dead letters already on a topic, written with version 1 of the schema, still decode. */
    @Test
    void aDeadLetterWrittenWithTheFirstSchemaVersionStillDecodes() throws Exception {
        Schema v1;
        try (InputStream in = getClass().getResourceAsStream("/avro/history/DeadLetter-1.avsc")) {
            v1 = new Schema.Parser().parse(in);
        }
        assertEquals("99 32 3B DB 2E 0D 51 BD", SingleObjectEncoding.wireHex(SingleObjectEncoding.fingerprint(v1)));
        GenericRecord old = new GenericData.Record(v1);
        old.put("reason", new GenericData.EnumSymbol(v1.getField("reason").schema(), "CORRUPT_IMAGE"));
        old.put("message", "PNG ends early");
        old.put("sourceTopic", "fovea.images");
        old.put("sourcePartition", 2);
        old.put("sourceOffset", 41L);
        old.put("key", ByteBuffer.wrap(new byte[] {'k'}));
        old.put("value", ByteBuffer.wrap(new byte[] {1, 2, 3}));
        old.put("failedAt", 1_700_000_000_000L);
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1)
                .encode(old)
                .array();

        DeadLetter decoded = FoveaRecords.DEAD_LETTER.decode(bytes);
        assertEquals(DeadLetterReason.CORRUPT_IMAGE, decoded.getReason());
        assertEquals(41L, decoded.getSourceOffset());
        assertEquals(ByteBuffer.wrap(new byte[] {1, 2, 3}), decoded.getValue());
        assertFalse(decoded.getTruncated(), "the new fields take their defaults");
        assertNull(decoded.getOriginalValueSha256());
        assertInstanceOf(DeadLetter.class, FoveaRecords.decodeAny(bytes));
    }

    /** The worked example of docs/wire-format.md, byte for byte, in both directions. */
    @Test
    void readmeWorkedExampleEncodesAndDecodesExactly() {
        byte[] readme = HexFormat.ofDelimiter(" ")
                .parseHex(
                        "C3 01 6C 17 5D 13 73 5D 50 9E 08 65 78 2D 31 80 A0 AB FE F9 62 04 02 06 00 0C FF 00 00 00 FF 00 02 02 00");
        ImageEvent example = ImageEvent.newBuilder()
                .setId("ex-1")
                .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L))
                .setWidth(2)
                .setHeight(1)
                .setChannels(3)
                .setPixelFormat(PixelFormat.RGB8_HWC)
                .setPixels(ByteBuffer.wrap(new byte[] {(byte) 255, 0, 0, 0, (byte) 255, 0}))
                .setLabel(1)
                .setAttributes(Map.of())
                .build();
        assertArrayEquals(readme, FoveaRecords.IMAGE_EVENT.encode(example));
        assertEquals(example, FoveaRecords.IMAGE_EVENT.decode(readme));
    }
}
