package io.fovea.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.avro.DeadLetter;
import io.fovea.avro.DeadLetterReason;
import io.fovea.core.runtime.NativeBackend;
import io.fovea.schemas.serde.FoveaRecords;
import io.fovea.stream.config.StreamConfig;
import io.fovea.stream.config.StreamOptions;
import io.fovea.stream.validate.UnknownPixelFormat;
import io.fovea.testing.KafkaTestClients;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stream app against a real broker, with a fake model: exactly once through stops, restarts and rebalances. */
class StreamAppIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @TempDir
    Path stateRoot;

    @BeforeAll
    static void backend() {
        NativeBackend.configure();
    }

    private StreamApp start(StreamTestKit kit, String stateDir) {
        StreamApp app = new StreamApp(
                        StreamConfig.of(kit.settings(stateRoot.resolve(stateDir).toString())), new FakeModel(1))
                .start();
        StreamTestKit.await(() -> app.state() == KafkaStreams.State.RUNNING, TIMEOUT, "RUNNING");
        return app;
    }

    @Test
    void aMixOfEveryKindOfBadInputIsDeadLetteredAndTheCountsAddUp() throws Exception {
        StreamTestKit kit = new StreamTestKit(2);
        byte[] valid = TestImages.bytes("v", 1, 1);
        Map<DeadLetterReason, byte[]> poison = new EnumMap<>(DeadLetterReason.class);
        poison.put(DeadLetterReason.UNKNOWN_WIRE_FORMAT, "{\"id\":1}".getBytes(StandardCharsets.UTF_8));
        poison.put(DeadLetterReason.TRUNCATED, Arrays.copyOf(valid, valid.length - 4));
        byte[] fingerprint = valid.clone();
        fingerprint[3] ^= 1;
        poison.put(DeadLetterReason.UNKNOWN_SCHEMA_FINGERPRINT, fingerprint);
        poison.put(DeadLetterReason.NULL_VALUE, null);
        poison.put(DeadLetterReason.UNKNOWN_PIXEL_FORMAT, UnknownPixelFormat.encode(TestImages.event("p", 1, null), 7));
        var dims = TestImages.event("d", 1, null);
        dims.setHeight(3);
        poison.put(DeadLetterReason.DIMENSION_MISMATCH, io.fovea.schemas.serde.FoveaRecords.IMAGE_EVENT.encode(dims));
        var png = TestImages.event("c", 1, null);
        png.setPixelFormat(io.fovea.avro.PixelFormat.JPEG);
        poison.put(DeadLetterReason.CORRUPT_IMAGE, io.fovea.schemas.serde.FoveaRecords.IMAGE_EVENT.encode(png));
        // over the app's limit (set below) but under Kafka's own 1 MB default, so the broker takes it
        poison.put(DeadLetterReason.PAYLOAD_TOO_LARGE, new byte[300_000]);
        var huge = TestImages.event("h", 1, null);
        huge.setWidth(5000);
        huge.setHeight(5000);
        huge.setPixels(java.nio.ByteBuffer.wrap(new byte[3]));
        poison.put(DeadLetterReason.IMAGE_TOO_LARGE, io.fovea.schemas.serde.FoveaRecords.IMAGE_EVENT.encode(huge));

        kit.extra.put(StreamOptions.MAX_PAYLOAD_BYTES.key(), "200000");
        try (StreamApp app = start(kit, "mix");
                KafkaProducer<byte[], byte[]> producer = StreamTestKit.producer()) {
            int valids = 0;
            for (int round = 0; round < 3; round++) {
                for (var entry : poison.entrySet()) {
                    kit.send(producer, "v" + valids, TestImages.bytes("v" + valids, valids % 4, valids % 4));
                    valids++;
                    kit.send(producer, "bad-" + entry.getKey() + "-" + round, entry.getValue());
                }
            }
            producer.flush();
            int expectedDead = 3 * poison.size();
            List<String> predicted = kit.predictedIds(valids, TIMEOUT);
            List<DeadLetter> dead = kit.deadLetters(expectedDead, TIMEOUT);

            assertEquals(valids, predicted.size());
            assertEquals(valids, StreamTestKit.counts(predicted).size(), "every valid id once");
            assertEquals(expectedDead, dead.size());
            Map<DeadLetterReason, Long> byReason = new EnumMap<>(DeadLetterReason.class);
            dead.forEach(d -> byReason.merge(d.getReason(), 1L, Long::sum));
            poison.keySet().forEach(reason -> assertEquals(3L, byReason.get(reason), reason.name()));
            assertEquals(
                    3 * poison.size() * 2.0,
                    app.metrics().registry().get("fovea.records.in").counter().count());
        }
    }

    @Test
    void aCleanStopAndRestartLosesAndRepeatsNothing() throws Exception {
        StreamTestKit kit = new StreamTestKit(4);
        int n = 400;
        try (KafkaProducer<byte[], byte[]> producer = StreamTestKit.producer()) {
            StreamApp first = start(kit, "a");
            for (int i = 0; i < n / 2; i++) {
                kit.send(producer, "e" + i, TestImages.bytes("e" + i, i % 4, i % 4));
            }
            producer.flush();
            first.close();
            for (int i = n / 2; i < n; i++) {
                kit.send(producer, "e" + i, TestImages.bytes("e" + i, i % 4, i % 4));
            }
            producer.flush();
            try (StreamApp second = start(kit, "a")) {
                List<String> ids = kit.predictedIds(n, TIMEOUT);
                Map<String, Integer> counts = StreamTestKit.counts(ids);
                assertEquals(n, counts.size(), "no id lost");
                assertTrue(counts.values().stream().allMatch(c -> c == 1), "no id twice: " + counts);
            }
        }
    }

    @Test
    void aSecondInstanceOnTheSameStateDirIsRefusedAtStartAndTheFirstServesOn() throws Exception {
        StreamTestKit kit = new StreamTestKit(2);
        int n = 100;
        try (KafkaProducer<byte[], byte[]> producer = StreamTestKit.producer();
                StreamApp first = start(kit, "shared")) {
            Path shared = stateRoot.resolve("shared");
            IllegalStateException refused = assertThrows(
                    IllegalStateException.class,
                    () -> new StreamApp(StreamConfig.of(kit.settings(shared.toString())), new FakeModel(1)));
            assertTrue(refused.getMessage().contains("state.dir " + shared), refused.getMessage());
            assertTrue(refused.getMessage().contains("its own state.dir"), refused.getMessage());

            for (int i = 0; i < n; i++) {
                kit.send(producer, "s" + i, TestImages.bytes("s" + i, i % 4, i % 4));
            }
            producer.flush();
            Map<String, Integer> counts = StreamTestKit.counts(kit.predictedIds(n, TIMEOUT));
            assertEquals(n, counts.size(), "no id lost");
            assertTrue(counts.values().stream().allMatch(c -> c == 1), "no id twice: " + counts);
            assertEquals(KafkaStreams.State.RUNNING, first.state());
        }
    }

    @Test
    void aSecondInstanceJoiningMidStreamTakesPartitionsWithoutLossOrDuplicates() throws Exception {
        StreamTestKit kit = new StreamTestKit(4);
        int n = 600;
        try (KafkaProducer<byte[], byte[]> producer = StreamTestKit.producer();
                StreamApp first = start(kit, "one")) {
            for (int i = 0; i < n / 2; i++) {
                kit.send(producer, "r" + i, TestImages.bytes("r" + i, i % 4, i % 4));
            }
            producer.flush();
            try (StreamApp second = start(kit, "two")) {
                // the rest is sent once the rebalance has given the second instance partitions,
                // so it has work however fast the first instance got through the first half
                StreamTestKit.await(
                        () -> second.activeTasks() > 0
                                && first.state() == KafkaStreams.State.RUNNING
                                && second.state() == KafkaStreams.State.RUNNING,
                        TIMEOUT,
                        "the second instance owning partitions");
                for (int i = n / 2; i < n; i++) {
                    kit.send(producer, "r" + i, TestImages.bytes("r" + i, i % 4, i % 4));
                }
                producer.flush();
                List<String> ids = kit.predictedIds(n, TIMEOUT);
                Map<String, Integer> counts = StreamTestKit.counts(ids);
                assertEquals(n, counts.size(), "no id lost");
                assertTrue(counts.values().stream().allMatch(c -> c == 1), "no id twice");
                assertTrue(
                        second.metrics()
                                        .registry()
                                        .get("fovea.predictions")
                                        .counter()
                                        .count()
                                > 0,
                        "the second instance did some of the work");
            }
        }
    }

    @Test
    void healthAndReadinessAndMetricsAreServedOverHttp() throws Exception {
        StreamTestKit kit = new StreamTestKit(1);
        try (StreamApp app = start(kit, "http")) {
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + app.httpPort();
            assertEquals(
                    200,
                    http.send(
                                    HttpRequest.newBuilder(URI.create(base + "/health"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .statusCode());
            assertEquals(
                    200,
                    http.send(
                                    HttpRequest.newBuilder(URI.create(base + "/ready"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .statusCode());
            try (KafkaProducer<byte[], byte[]> producer = StreamTestKit.producer()) {
                kit.send(producer, "m", TestImages.bytes("m", 1, 1));
            }
            kit.predictedIds(1, TIMEOUT);
            String metrics = http.send(
                            HttpRequest.newBuilder(URI.create(base + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            for (String name : List.of(
                    "fovea_records_in_total 1.0",
                    "fovea_predictions_total 1.0",
                    "fovea_batch_size_count",
                    "fovea_inference_seconds",
                    "fovea_latency_seconds",
                    "fovea_model_version{model=\"fake\"} 1.0",
                    "fovea_rolling_accuracy{model=\"fake\",version=\"1\"} 1.0",
                    "fovea_batches_closed_total{cause=", // at the first look with an idle model, or at its deadline
                    "kafka_stream")) {
                assertTrue(metrics.contains(name), name + " missing from /metrics");
            }
        }
    }

    /**
     * Headers (a W3C traceparent per image) are held with the image, survive a stop while it
     * waits for its batch, and reach its prediction; a dead letter keeps its input's headers too.
     */
    @Test
    void headersTravelToPredictionsAndDeadLettersThroughARestart() throws Exception {
        StreamTestKit kit = new StreamTestKit(1);
        kit.extra.put(StreamOptions.MAX_BATCH_SIZE.key(), "100");
        kit.extra.put(StreamOptions.MAX_BATCH_WAIT_MS.key(), "600000"); // held until the restart
        kit.extra.put(
                StreamOptions.BATCH_CLOSE_WHEN_QUEUE_EMPTY.key(), "false"); // even when nothing waits for the model
        int n = 5;
        try (KafkaProducer<byte[], byte[]> producer = StreamTestKit.producer()) {
            try (StreamApp first = start(kit, "headers")) {
                for (int i = 0; i < n; i++) {
                    producer.send(new ProducerRecord<>(
                            kit.images,
                            null,
                            ("t" + i).getBytes(StandardCharsets.UTF_8),
                            TestImages.bytes("t" + i, i, i),
                            List.of(new RecordHeader("traceparent", traceparent(i)))));
                }
                producer.send(new ProducerRecord<>(
                        kit.images,
                        null,
                        "junk".getBytes(StandardCharsets.UTF_8),
                        "junk".getBytes(StandardCharsets.UTF_8),
                        List.of(new RecordHeader("traceparent", traceparent(99)))));
                producer.flush();
                var dead = KafkaTestClients.readCommitted(kit.deadLetters, 1, TIMEOUT);
                assertArrayEquals(
                        traceparent(99),
                        dead.get(0).headers().lastHeader("traceparent").value());
                assertTrue(
                        KafkaTestClients.readCommitted(kit.predictions, 1, Duration.ofSeconds(2))
                                .isEmpty(),
                        "the images are still held when the app stops");
            }
            kit.extra.put(StreamOptions.MAX_BATCH_WAIT_MS.key(), "10");
            kit.extra.put(StreamOptions.BATCH_CLOSE_WHEN_QUEUE_EMPTY.key(), "true");
            try (StreamApp second = start(kit, "headers")) {
                var predictions = KafkaTestClients.readCommitted(kit.predictions, n, TIMEOUT);
                assertEquals(n, predictions.size());
                for (var record : predictions) {
                    String id = FoveaRecords.PREDICTION.decode(record.value()).getId();
                    int i = Integer.parseInt(id.substring(1));
                    assertArrayEquals(
                            traceparent(i),
                            record.headers().lastHeader("traceparent").value(),
                            id);
                }
            }
        }
    }

    private static byte[] traceparent(int i) {
        return String.format("00-%032x-%016x-01", i + 1, i + 1).getBytes(StandardCharsets.US_ASCII);
    }
}
