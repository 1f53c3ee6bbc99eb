package io.fovea.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.avro.DeadLetterReason;
import io.fovea.avro.ImageEvent;
import io.fovea.avro.PixelFormat;
import io.fovea.schemas.serde.FoveaRecords;
import io.fovea.schemas.serde.SingleObjectCodec;
import io.fovea.schemas.serde.SingleObjectEncoding;
import io.fovea.schemas.serde.UndecodableRecordException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/**
 * The rule of docs/wire-format.md, "Evolving the schemas": a new version adds fields with
 * defaults (or otherwise stays readable from the old), the decoder keeps the old one by
 * fingerprint, and consumers upgrade before producers. Played out with a second ImageEvent
 * version, as a future release would ship it, against records of the version shipped today.
 */
class SchemaEvolutionTest {
    /** ImageEvent version 2 as it would be written: version 1 plus a field with a default. */
    private static final Schema IMAGE_EVENT_2 = withField(ImageEvent.getClassSchema(), "source", "camera-unknown");

    @Test
    void aRecordWrittenWithTheFirstImageEventIsReadIntoTheSecondWithTheNewFieldsDefault() {
        SingleObjectCodec<GenericRecord> upgraded =
                SingleObjectCodec.generic(IMAGE_EVENT_2, List.of(ImageEvent.getClassSchema()));
        byte[] written = FoveaRecords.IMAGE_EVENT.encode(event());

        GenericRecord read = upgraded.decode(written);

        assertEquals("camera-unknown", read.get("source").toString());
        assertEquals("ev-1", read.get("id").toString());
        assertEquals(4, read.get("width"));
        assertEquals(ByteBuffer.wrap(new byte[48]), read.get("pixels"));
        assertEquals(7, read.get("label"));
    }

    @Test
    void aConsumerNotYetUpgradedDeadLettersTheSecondVersionAsAnUnknownFingerprint() {
        SingleObjectCodec<GenericRecord> upgraded =
                SingleObjectCodec.generic(IMAGE_EVENT_2, List.of(ImageEvent.getClassSchema()));
        GenericRecord v1 = SingleObjectCodec.generic(ImageEvent.getClassSchema(), List.of())
                .decode(FoveaRecords.IMAGE_EVENT.encode(event()));
        GenericRecord record = new GenericData.Record(IMAGE_EVENT_2);
        for (Schema.Field field : ImageEvent.getClassSchema().getFields()) {
            record.put(field.name(), v1.get(field.name()));
        }
        record.put("source", "camera-7");
        byte[] written = upgraded.encode(record);
        assertNotEquals(FoveaRecords.IMAGE_EVENT.fingerprint(), upgraded.fingerprint());

        UndecodableRecordException refused =
                assertThrows(UndecodableRecordException.class, () -> FoveaRecords.IMAGE_EVENT.decode(written));

        assertEquals(DeadLetterReason.UNKNOWN_SCHEMA_FINGERPRINT, refused.reason());
        assertEquals(
                "camera-7", upgraded.decode(written).get("source").toString(), "the upgraded reader reads its own");
    }

    /**
     * ModelRelease 2 played out: a promotion an older CLI wrote (version 1) still reads, with no
     * share; a canary's start written with version 2 is refused by a reader that knows only
     * version 1, as an unknown fingerprint, which an older serve's follower skips.
     */
    @Test
    void aReleaseOfTheFirstVersionReadsIntoTheSecondAndTheSecondIsAnUnknownFingerprintToTheFirst() throws Exception {
        Schema v1;
        try (var in = getClass().getResourceAsStream("/avro/history/ModelRelease-1.avsc")) {
            v1 = new Schema.Parser().parse(in);
        }
        SingleObjectCodec<GenericRecord> first = SingleObjectCodec.generic(v1, List.of());
        GenericRecord promoted = new GenericData.Record(v1);
        io.fovea.avro.ModelRelease sample = SampleRecords.modelRelease();
        for (Schema.Field field : v1.getFields()) {
            Object value = sample.get(field.name());
            promoted.put(
                    field.name(),
                    value instanceof Enum<?> e
                            ? new GenericData.EnumSymbol(field.schema(), e.name())
                            : value instanceof java.time.Instant t ? t.toEpochMilli() : value);
        }
        io.fovea.avro.ModelRelease read = FoveaRecords.MODEL_RELEASE.decode(first.encode(promoted));
        assertEquals(io.fovea.avro.ReleaseAction.PROMOTED, read.getAction());
        assertEquals(null, read.getShare());

        io.fovea.avro.ModelRelease canary = io.fovea.avro.ModelRelease.newBuilder(sample)
                .setAction(io.fovea.avro.ReleaseAction.CANARY_STARTED)
                .setShare(0.1)
                .build();
        UndecodableRecordException refused = assertThrows(
                UndecodableRecordException.class, () -> first.decode(FoveaRecords.MODEL_RELEASE.encode(canary)));
        assertEquals(DeadLetterReason.UNKNOWN_SCHEMA_FINGERPRINT, refused.reason());
    }

    /** A canary started by a version-2 CLI still reads, with no salt of its own: it keeps the fixed one. */
    @Test
    void aCanaryOfTheSecondVersionReadsWithNoSalt() throws Exception {
        Schema v2;
        try (var in = getClass().getResourceAsStream("/avro/history/ModelRelease-2.avsc")) {
            v2 = new Schema.Parser().parse(in);
        }
        assertEquals("36 6E 1D 8F 54 7B 32 04", SingleObjectEncoding.wireHex(SingleObjectEncoding.fingerprint(v2)));
        io.fovea.avro.ModelRelease sample = io.fovea.avro.ModelRelease.newBuilder(SampleRecords.modelRelease())
                .setAction(io.fovea.avro.ReleaseAction.CANARY_STARTED)
                .setShare(0.1)
                .setSalt("ignored by version 2")
                .build();
        GenericRecord canary = new GenericData.Record(v2);
        for (Schema.Field field : v2.getFields()) {
            Object value = sample.get(field.name());
            canary.put(
                    field.name(),
                    value instanceof Enum<?> e
                            ? new GenericData.EnumSymbol(field.schema(), e.name())
                            : value instanceof java.time.Instant t ? t.toEpochMilli() : value);
        }
        io.fovea.avro.ModelRelease read = FoveaRecords.MODEL_RELEASE.decode(
                SingleObjectCodec.generic(v2, List.of()).encode(canary));
        assertEquals(io.fovea.avro.ReleaseAction.CANARY_STARTED, read.getAction());
        assertEquals(0.1, read.getShare());
        assertEquals(null, read.getSalt());
    }

    /** Guards the history in the jar: every version kept must resolve to the current schema. */
    @Test
    void everyShippedEarlierVersionResolvesToTheCurrentSchema() {
        int versions = 0;
        for (SingleObjectCodec<?> codec : FoveaRecords.ALL) {
            for (Schema earlier : codec.earlier()) {
                var result = SchemaCompatibility.checkReaderWriterCompatibility(codec.schema(), earlier);
                assertEquals(
                        SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE,
                        result.getType(),
                        codec.schema().getName() + ": " + result.getDescription());
                assertTrue(codec.reads(io.fovea.schemas.serde.SingleObjectEncoding.fingerprint(earlier)));
                versions++;
            }
        }
        assertTrue(versions >= 3, "DeadLetter versions 1 and 2 and ModelRelease version 1 at least");
    }

    private static ImageEvent event() {
        return ImageEvent.newBuilder()
                .setId("ev-1")
                .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L))
                .setWidth(4)
                .setHeight(4)
                .setChannels(3)
                .setPixelFormat(PixelFormat.RGB8_HWC)
                .setPixels(ByteBuffer.wrap(new byte[48]))
                .setLabel(7)
                .setAttributes(Map.of())
                .build();
    }

    private static Schema withField(Schema schema, String name, String defaultValue) {
        String json = schema.toString();
        String field = "{\"name\":\"" + name + "\",\"type\":\"string\",\"default\":\"" + defaultValue + "\"}";
        int fieldsEnd = json.lastIndexOf(']');
        return new Schema.Parser().parse(json.substring(0, fieldsEnd) + "," + field + json.substring(fieldsEnd));
    }
}
