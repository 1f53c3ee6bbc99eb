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
import io.fovea.schemas.serde.RegistryFramedCodec;
import io.fovea.schemas.serde.RegistryFraming;
import io.fovea.schemas.serde.SingleObjectEncoding;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
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
        // Version 4 (the wire-format reasons); version 3 was 8F F5 53 5F 5F C9 FE BA, version 2
        // 56 35 84 A3 46 3E D2 C2, version 1 99 32 3B DB 2E 0D 51 BD.
        assertEquals("38 FE AA 29 8B C3 A6 E6", SingleObjectEncoding.wireHex(FoveaRecords.DEAD_LETTER.fingerprint()));
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

    /** Dead letters the previous release wrote (version 2, truncation fields and all) still decode. */
    @Test
    void aDeadLetterWrittenWithTheSecondSchemaVersionStillDecodes() throws Exception {
        Schema v2 = history("DeadLetter-2.avsc");
        assertEquals("56 35 84 A3 46 3E D2 C2", SingleObjectEncoding.wireHex(SingleObjectEncoding.fingerprint(v2)));
        GenericRecord old = new GenericData.Record(v2);
        old.put("reason", new GenericData.EnumSymbol(v2.getField("reason").schema(), "OUTPUT_TOO_LARGE"));
        old.put("message", "prediction too large");
        old.put("sourceTopic", "fovea.images");
        old.put("sourcePartition", 1);
        old.put("sourceOffset", 7L);
        old.put("failedAt", 1_700_000_000_000L);
        old.put("truncated", true);
        old.put("originalValueLength", 5_000_000);
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v2)
                .encode(old)
                .array();

        DeadLetter decoded = FoveaRecords.DEAD_LETTER.decode(bytes);
        assertEquals(DeadLetterReason.OUTPUT_TOO_LARGE, decoded.getReason());
        assertEquals(5_000_000, decoded.getOriginalValueLength());
        assertInstanceOf(DeadLetter.class, FoveaRecords.decodeAny(bytes));
    }

    /** A reader that resolves with version 2 as its reader schema sees the new reason as UNKNOWN, the enum's default. */
    @Test
    void aReaderOfTheSecondVersionSeesNonFiniteOutputAsUnknown() throws Exception {
        Schema v2 = history("DeadLetter-2.avsc");
        DeadLetter letter = DeadLetter.newBuilder()
                .setReason(DeadLetterReason.NON_FINITE_OUTPUT)
                .setMessage("row 3 is NaN")
                .setSourceTopic("fovea.images")
                .setSourcePartition(0)
                .setSourceOffset(3L)
                .setFailedAt(Instant.ofEpochMilli(1_700_000_000_000L))
                .build();
        BinaryMessageDecoder<GenericRecord> olderReader =
                new BinaryMessageDecoder<>(GenericData.get(), v2, (SchemaStore) null);
        olderReader.addSchema(DeadLetter.getClassSchema());
        GenericRecord read = olderReader.decode(FoveaRecords.DEAD_LETTER.encode(letter));
        assertEquals("UNKNOWN", read.get("reason").toString());
    }

    /** Version 4 adds the wire-format reasons: a reader of version 3 sees them as UNKNOWN, and version 3 letters still decode. */
    @Test
    void aReaderOfTheThirdVersionSeesTheWireFormatReasonsAsUnknown() throws Exception {
        Schema v3 = history("DeadLetter-3.avsc");
        DeadLetter letter = DeadLetter.newBuilder()
                .setReason(DeadLetterReason.UNKNOWN_SCHEMA_ID)
                .setMessage("schema id 7 is not in the registry")
                .setSourceTopic("fovea.images")
                .setSourcePartition(0)
                .setSourceOffset(3L)
                .setFailedAt(Instant.ofEpochMilli(1_700_000_000_000L))
                .build();
        BinaryMessageDecoder<GenericRecord> olderReader =
                new BinaryMessageDecoder<>(GenericData.get(), v3, (SchemaStore) null);
        olderReader.addSchema(DeadLetter.getClassSchema());
        assertEquals(
                "UNKNOWN",
                olderReader
                        .decode(FoveaRecords.DEAD_LETTER.encode(letter))
                        .get("reason")
                        .toString());

        GenericRecord old = new GenericData.Record(v3);
        old.put("reason", new GenericData.EnumSymbol(v3.getField("reason").schema(), "NON_FINITE_OUTPUT"));
        old.put("message", "row 3 is NaN");
        old.put("sourceTopic", "fovea.images");
        old.put("sourcePartition", 0);
        old.put("sourceOffset", 3L);
        old.put("failedAt", 1_700_000_000_000L);
        old.put("truncated", false);
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v3)
                .encode(old)
                .array();
        assertEquals(
                DeadLetterReason.NON_FINITE_OUTPUT,
                FoveaRecords.DEAD_LETTER.decode(bytes).getReason());
    }

    private Schema history(String file) throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/avro/history/" + file)) {
            return new Schema.Parser().parse(in);
        }
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

        // the same event registry-framed under schema id 7: the same body behind 00 and the 4-byte id
        byte[] framed = HexFormat.ofDelimiter(" ")
                .parseHex("00 00 00 00 07 08 65 78 2D 31 80 A0 AB FE F9 62 04 02 06 00 0C FF 00 00 00 FF 00 02 02 00");
        RegistryFramedCodec<ImageEvent> registry = new RegistryFramedCodec<>(FoveaRecords.IMAGE_EVENT);
        assertArrayEquals(framed, registry.encode(example, 7));
        assertEquals(7, RegistryFraming.schemaId(framed));
        assertEquals(example, registry.decode(framed, 7, ImageEvent.getClassSchema(), 1 << 20));
    }
}
