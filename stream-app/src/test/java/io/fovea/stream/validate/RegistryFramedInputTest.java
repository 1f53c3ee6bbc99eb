package io.fovea.stream.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.avro.DeadLetterReason;
import io.fovea.avro.ImageEvent;
import io.fovea.schemas.registry.RegistrySettings;
import io.fovea.schemas.registry.RegistryUnavailableException;
import io.fovea.schemas.registry.SchemaRegistryClient;
import io.fovea.schemas.serde.FoveaRecords;
import io.fovea.schemas.serde.RegistryFramedCodec;
import io.fovea.schemas.serde.RegistryFraming;
import io.fovea.stream.StreamTestKit;
import io.fovea.stream.TestImages;
import io.fovea.testing.SchemaRegistryTestServer;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Registry-framed input read through a real schema registry (Apicurio, its Confluent-compatible API). */
class RegistryFramedInputTest {
    /** A producer's own version of the event: an extra field, no attributes (the reader defaults them). */
    private static final Schema PRODUCER_V2 = new Schema.Parser()
            .parse("{\"type\":\"record\",\"name\":\"ImageEvent\",\"namespace\":\"io.fovea.avro\",\"fields\":["
                    + "{\"name\":\"id\",\"type\":\"string\"},"
                    + "{\"name\":\"eventTime\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}},"
                    + "{\"name\":\"width\",\"type\":\"int\"},{\"name\":\"height\",\"type\":\"int\"},"
                    + "{\"name\":\"channels\",\"type\":\"int\"},"
                    + "{\"name\":\"pixelFormat\",\"type\":{\"type\":\"enum\",\"name\":\"PixelFormat\","
                    + "\"symbols\":[\"RGB8_HWC\",\"RGB8_CHW\",\"PNG\",\"JPEG\"]}},"
                    + "{\"name\":\"pixels\",\"type\":\"bytes\"},"
                    + "{\"name\":\"camera\",\"type\":\"string\",\"default\":\"\"},"
                    + "{\"name\":\"label\",\"type\":[\"null\",\"int\"],\"default\":null}]}");

    private static final Schema WIDTH_AS_TEXT = new Schema.Parser()
            .parse(PRODUCER_V2.toString().replace("\"width\",\"type\":\"int\"", "\"width\",\"type\":\"string\""));

    private static SchemaRegistryTestServer registry;
    private static SchemaRegistryClient client;

    @BeforeAll
    static void start() {
        registry = SchemaRegistryTestServer.startNew();
        client = client();
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    private static SchemaRegistryClient client() {
        return new SchemaRegistryClient(RegistrySettings.from(Map.of(RegistrySettings.URL, registry.url())));
    }

    private static ImageValidator validator(WriterSchemas schemas) {
        return new ImageValidator(100_000, 10_000, EnumSet.allOf(WireFormat.class), schemas);
    }

    @Test
    void recordsOfTwoWriterSchemaVersionsAreReadIntoTheEventSchema() throws Exception {
        int v1 = client.register("images-value", ImageEvent.getClassSchema());
        int v2 = client.register("images-value", PRODUCER_V2);
        ImageValidator validator = validator(new RegistryWriterSchemas(client));

        byte[] first = new RegistryFramedCodec<>(FoveaRecords.IMAGE_EVENT).encode(TestImages.event("one", 1, 3), v1);
        assertEquals("one", validator.validate(first).event().getId());
        assertEquals(3, validator.validate(first).event().getLabel());

        ImageEvent two = TestImages.event("two", 2, 5);
        GenericRecord producer = new GenericData.Record(PRODUCER_V2);
        producer.put("id", "two");
        producer.put("eventTime", 1_700_000_000_000L);
        producer.put("width", two.getWidth());
        producer.put("height", two.getHeight());
        producer.put("channels", 3);
        producer.put(
                "pixelFormat",
                new GenericData.EnumSymbol(
                        PRODUCER_V2.getField("pixelFormat").schema(),
                        two.getPixelFormat().name()));
        producer.put("pixels", ByteBuffer.wrap(bytes(two.getPixels())));
        producer.put("camera", "north");
        producer.put("label", 5);
        AcceptedImage read = validator.validate(frame(v2, PRODUCER_V2, producer));
        assertEquals("two", read.event().getId());
        assertEquals(5, read.event().getLabel());
        assertTrue(read.event().getAttributes().isEmpty(), "the missing field takes its default");
    }

    @Test
    void anIdTheRegistryDoesNotHaveIsADeadLetter() {
        RejectedRecordException e = assertThrows(
                RejectedRecordException.class,
                () -> validator(new RegistryWriterSchemas(client)).validate(new byte[] {0, 0, 0, 0x7F, 0x7F, 2}));
        assertEquals(DeadLetterReason.UNKNOWN_SCHEMA_ID, e.reason());
        assertTrue(e.getMessage().contains("schema id 32639: schema registry answered 404"), e.getMessage());
    }

    @Test
    void aWriterSchemaThatDoesNotResolveIsADeadLetterNamingTheField() throws Exception {
        int id = client.register("other-value", WIDTH_AS_TEXT);
        GenericRecord bad = new GenericData.Record(WIDTH_AS_TEXT);
        bad.put("id", "w");
        bad.put("eventTime", 0L);
        bad.put("width", "wide");
        bad.put("height", 1);
        bad.put("channels", 3);
        bad.put(
                "pixelFormat",
                new GenericData.EnumSymbol(WIDTH_AS_TEXT.getField("pixelFormat").schema(), "RGB8_HWC"));
        bad.put("pixels", ByteBuffer.wrap(new byte[3]));
        bad.put("camera", "");
        RejectedRecordException e = assertThrows(
                RejectedRecordException.class,
                () -> validator(new RegistryWriterSchemas(client)).validate(frame(id, WIDTH_AS_TEXT, bad)));
        assertEquals(DeadLetterReason.INCOMPATIBLE_WRITER_SCHEMA, e.reason());
        assertTrue(e.getMessage().contains("/fields/2/type"), e.getMessage());
    }

    /**
     * Stopped, the registry makes the record wait (never a dead letter) within a bounded time, says
     * why, and tells its listener; restarted, it keeps its ids, and the record goes through.
     */
    @Test
    void aStoppedRegistryMakesTheRecordWaitBoundedlyUntilItAnswersAgain() throws Exception {
        int id = client.register("held-value", ImageEvent.getClassSchema());
        byte[] value = new RegistryFramedCodec<>(FoveaRecords.IMAGE_EVENT).encode(TestImages.event("held", 1, 1), id);
        List<String> told = new CopyOnWriteArrayList<>();
        try (RegistryWriterSchemas schemas = new RegistryWriterSchemas(client())) { // nothing cached yet
            schemas.listen(new RegistryWriterSchemas.Listener() {
                @Override
                public void waiting(String why) {
                    told.add("waiting");
                }

                @Override
                public void answering() {
                    told.add("answering");
                }
            });
            registry.stop();
            long start = System.nanoTime();
            assertThrows(
                    RegistryUnavailableException.class, () -> validator(schemas).validate(value));
            long waitedMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(waitedMs <= RegistryWriterSchemas.ANSWER_WAIT.toMillis() + 1_000, waitedMs + " ms");
            assertNotNull(schemas.waitingBecause(), "waiting, and saying why");
            assertTrue(schemas.waitingBecause().contains("writer schema " + id), schemas.waitingBecause());
            start = System.nanoTime();
            assertThrows(
                    RegistryUnavailableException.class, () -> validator(schemas).validate(value));
            assertTrue((System.nanoTime() - start) / 1_000_000 < 500, "known down: asked again without waiting");
            assertEquals(List.of("waiting"), told);
            registry.start();
            StreamTestKit.await(() -> schemas.waitingBecause() == null, Duration.ofSeconds(60), "the registry");
            assertEquals("held", validator(schemas).validate(value).event().getId());
            assertEquals(List.of("waiting", "answering"), told);
        }
    }

    private static byte[] frame(int id, Schema schema, GenericRecord record) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return RegistryFraming.frame(id, out.toByteArray(), 0);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] b = new byte[buffer.remaining()];
        buffer.duplicate().get(b);
        return b;
    }
}
