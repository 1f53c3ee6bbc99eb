package io.fovea.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.apicurio.registry.serde.SerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.fovea.avro.ImageEvent;
import io.fovea.avro.Prediction;
import io.fovea.core.runtime.NativeBackend;
import io.fovea.schemas.registry.RegistrySettings;
import io.fovea.schemas.registry.SchemaRegistryClient;
import io.fovea.schemas.serde.FoveaRecords;
import io.fovea.schemas.serde.RegistryFramedCodec;
import io.fovea.schemas.serde.RegistryFraming;
import io.fovea.stream.config.StreamConfig;
import io.fovea.stream.config.StreamOptions;
import io.fovea.testing.KafkaTestClients;
import io.fovea.testing.SchemaRegistryTestServer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance test, through a real broker and a real schema registry (Apicurio): images
 * in all three input formats mixed in one topic, registry records under two writer-schema versions,
 * the registry stopped for 30 s in the middle; two serve instances (one per output format) each
 * predict every image exactly once, with no dead letter, and their predictions read back with our
 * decoders and, for the registry format, with Apicurio's own Kafka deserializer.
 */
class WireFormatsIT {
    private static final int PER_FORMAT = 1000;
    private static final Duration OUTAGE = Duration.ofSeconds(30);
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    /** A producer's own ImageEvent: an extra field, no attributes (the reader defaults them). */
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

    private static SchemaRegistryTestServer registry;
    private static SchemaRegistryClient client;

    @TempDir
    Path stateRoot;

    private int v1;
    private int v2;

    @BeforeAll
    static void start() {
        NativeBackend.configure();
        registry = SchemaRegistryTestServer.startNew();
        client = new SchemaRegistryClient(RegistrySettings.from(Map.of(RegistrySettings.URL, registry.url())));
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    @Test
    void everyImageOfEveryFormatIsPredictedOnceInBothOutputFormatsThroughARegistryOutage() throws Exception {
        StreamTestKit kit = new StreamTestKit(2);
        v1 = client.register(kit.images + "-value", ImageEvent.getClassSchema());
        v2 = client.register(kit.images + "-value", PRODUCER_V2);
        kit.extra.put("kafka." + RegistrySettings.URL, registry.url());
        Map<String, String> registryOut =
                new HashMap<>(kit.settings(stateRoot.resolve("rg").toString()));
        registryOut.put(StreamOptions.APPLICATION_ID.key(), kit.applicationId + "-rg");
        registryOut.put(StreamOptions.OUTPUT_TOPIC.key(), kit.predictions + ".rg");
        registryOut.put(StreamOptions.DLQ_TOPIC.key(), kit.deadLetters + ".rg");
        registryOut.put(StreamOptions.SHADOW_TOPIC.key(), kit.shadowPredictions + ".rg");
        registryOut.put(StreamOptions.OUTPUT_FORMAT.key(), "registry");

        Set<String> expected = new HashSet<>();
        try (KafkaProducer<byte[], byte[]> producer = StreamTestKit.producer();
                StreamApp singleObject =
                        started(kit.settings(stateRoot.resolve("so").toString()));
                StreamApp registryFramed = started(registryOut)) {
            // first half: registry records under v1 only, so v2 is first needed while the registry is down
            send(producer, kit.images, 0, PER_FORMAT / 2, false, expected);
            StreamTestKit.await(() -> readableCount(kit.predictions) >= expected.size(), TIMEOUT, "first half");

            registry.stop();
            long stoppedAt = System.nanoTime();
            send(producer, kit.images, PER_FORMAT / 2, PER_FORMAT, true, expected);
            for (StreamApp app : List.of(singleObject, registryFramed)) {
                StreamTestKit.await(
                        () -> String.valueOf(app.whyNotReady()).contains("schema registry"),
                        OUTAGE,
                        "/ready to name the registry");
            }
            Thread.sleep(Math.max(0, OUTAGE.toMillis() - (System.nanoTime() - stoppedAt) / 1_000_000));
            assertTrue(readableCount(kit.predictions) < expected.size(), "some images waited for the registry");
            registry.start();

            List<String> ids = kit.predictedIds(expected.size(), TIMEOUT);
            List<ConsumerRecord<byte[], byte[]>> framed =
                    KafkaTestClients.readCommitted(kit.predictions + ".rg", expected.size(), TIMEOUT);
            assertExactlyOnce(expected, ids);
            assertExactlyOnce(expected, readBackOurs(framed));
            assertExactlyOnce(expected, readBackByApicurio(framed));
            assertEquals(
                    0,
                    KafkaTestClients.readCommitted(kit.deadLetters, 1, Duration.ofSeconds(3))
                            .size());
            assertEquals(
                    0,
                    KafkaTestClients.readCommitted(kit.deadLetters + ".rg", 1, Duration.ofSeconds(1))
                            .size());
            assertTrue(singleObject.isReady() && registryFramed.isReady(), "ready again");
        }
    }

    private StreamApp started(Map<String, String> settings) {
        StreamApp app = new StreamApp(StreamConfig.of(settings), new FakeModel(1)).start();
        StreamTestKit.await(() -> app.state() == KafkaStreams.State.RUNNING, TIMEOUT, "RUNNING");
        return app;
    }

    private static int readableCount(String topic) {
        return KafkaTestClients.readCommitted(topic, Integer.MAX_VALUE, Duration.ofSeconds(2))
                .size();
    }

    /** Images {@code from} to {@code to} in each format, interleaved; registry records alternate v1 and v2 when asked. */
    private void send(
            KafkaProducer<byte[], byte[]> producer, String topic, int from, int to, boolean withV2, Set<String> ids)
            throws IOException {
        for (int i = from; i < to; i++) {
            int value = i % 4;
            String so = "so-" + i;
            producer.send(record(topic, so, TestImages.bytes(so, value, value)));
            String rg = "rg-" + i;
            byte[] framed = withV2 && i % 2 == 1
                    ? producerV2(rg, value)
                    : new RegistryFramedCodec<>(FoveaRecords.IMAGE_EVENT)
                            .encode(TestImages.event(rg, value, value), v1);
            producer.send(record(topic, rg, framed));
            String fi = "fi-" + i;
            ProducerRecord<byte[], byte[]> file = record(topic, fi, png(value));
            file.headers()
                    .add(new RecordHeader("fovea.label", Integer.toString(value).getBytes(StandardCharsets.UTF_8)));
            producer.send(file);
            ids.addAll(List.of(so, rg, fi));
        }
        producer.flush();
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String id, byte[] value) {
        return new ProducerRecord<>(topic, id.getBytes(StandardCharsets.UTF_8), value);
    }

    private byte[] producerV2(String id, int value) throws IOException {
        ImageEvent event = TestImages.event(id, value, value);
        GenericRecord r = new GenericData.Record(PRODUCER_V2);
        r.put("id", id);
        r.put("eventTime", event.getEventTime().toEpochMilli());
        r.put("width", 2);
        r.put("height", 2);
        r.put("channels", 3);
        r.put(
                "pixelFormat",
                new GenericData.EnumSymbol(PRODUCER_V2.getField("pixelFormat").schema(), "RGB8_HWC"));
        r.put("pixels", event.getPixels());
        r.put("camera", "north");
        r.put("label", value);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(PRODUCER_V2).write(r, encoder);
        encoder.flush();
        return RegistryFraming.frame(v2, out.toByteArray(), 0);
    }

    private static byte[] png(int value) throws IOException {
        BufferedImage image = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 2; x++) {
                image.setRGB(x, y, value << 16 | value << 8 | value);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    /** Our reader: the writer schema by the record's id from the registry, resolved to Prediction. */
    private static List<String> readBackOurs(List<ConsumerRecord<byte[], byte[]>> records) {
        RegistryFramedCodec<Prediction> codec = new RegistryFramedCodec<>(FoveaRecords.PREDICTION);
        List<String> ids = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            int id = RegistryFraming.schemaId(r.value());
            Prediction p = codec.decode(r.value(), id, client.schemaById(id), 1 << 20);
            assertEquals(p.getTrueLabel(), p.getLabelIndex(), "the fake model reads the class off the pixels");
            ids.add(p.getId());
        }
        return ids;
    }

    /** Apicurio's own Kafka deserializer (serdes 2.x), told the id is Confluent's 4-byte one. */
    private static List<String> readBackByApicurio(List<ConsumerRecord<byte[], byte[]>> records) {
        List<String> ids = new ArrayList<>();
        try (AvroKafkaDeserializer<GenericRecord> deserializer = new AvroKafkaDeserializer<>()) {
            deserializer.configure(
                    Map.of(
                            SerdeConfig.REGISTRY_URL,
                            registry.url().replace("/apis/ccompat/v7", "/apis/registry/v2"),
                            SerdeConfig.ENABLE_CONFLUENT_ID_HANDLER,
                            true,
                            SerdeConfig.USE_ID,
                            "contentId"),
                    false);
            for (ConsumerRecord<byte[], byte[]> r : records) {
                GenericRecord p = deserializer.deserialize(r.topic(), r.value());
                ids.add(p.get("id").toString());
            }
        }
        return ids;
    }

    private static void assertExactlyOnce(Set<String> expected, List<String> ids) {
        Map<String, Integer> counts = StreamTestKit.counts(ids);
        assertEquals(expected, counts.keySet(), "every image predicted");
        assertTrue(counts.values().stream().allMatch(n -> n == 1), "none twice");
    }
}
