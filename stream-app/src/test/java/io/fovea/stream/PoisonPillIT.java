package io.fovea.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.avro.DeadLetter;
import io.fovea.avro.DeadLetterReason;
import io.fovea.avro.ImageEvent;
import io.fovea.avro.PixelFormat;
import io.fovea.core.runtime.NativeBackend;
import io.fovea.schemas.serde.FoveaRecords;
import io.fovea.stream.config.StreamConfig;
import io.fovea.stream.config.StreamOptions;
import io.fovea.stream.limits.SizeBudget;
import io.fovea.testing.KafkaTestBroker;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records at and just over every size limit, sized from the cluster's real limits (the broker's
 * defaults here): each ends as exactly one prediction or one dead letter, the app stays RUNNING,
 * and valid images after them are all classified, before and after a restart.
 */
class PoisonPillIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final int VALID = 50;

    @TempDir
    Path stateRoot;

    @BeforeAll
    static void backend() {
        NativeBackend.configure();
    }

    /** A producer that sends what the broker takes, so the topic's own limit is the one that counts. */
    private static KafkaProducer<byte[], byte[]> largeRecordProducer() {
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        KafkaTestBroker.bootstrapServers(),
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                        4 << 20),
                new ByteArraySerializer(),
                new ByteArraySerializer());
    }

    /** An image of {@code side}×{@code side} whose encoded event is exactly {@code length} bytes, padded with an attribute. */
    static byte[] paddedImage(String id, int side, int length) {
        ImageEvent event = ImageEvent.newBuilder()
                .setId(id)
                .setEventTime(Instant.now())
                .setWidth(side)
                .setHeight(side)
                .setChannels(3)
                .setPixelFormat(PixelFormat.RGB8_HWC)
                .setPixels(ByteBuffer.wrap(new byte[side * side * 3]))
                .setLabel(null)
                .setAttributes(Map.of())
                .build();
        int pad = length - FoveaRecords.IMAGE_EVENT.encode(event).length;
        for (int tries = 0; tries < 10; tries++) {
            event.setAttributes(Map.of("pad", "x".repeat(Math.max(0, pad))));
            byte[] bytes = FoveaRecords.IMAGE_EVENT.encode(event);
            if (bytes.length == length) {
                return bytes;
            }
            pad += length - bytes.length;
        }
        throw new IllegalStateException("cannot pad an image to exactly " + length + " bytes");
    }

    private record Outcome(byte[] value, DeadLetterReason deadLetter) {}

    /** The records of one round: key → value and what it must become (null: a prediction). */
    private static Map<String, Outcome> round(String tag, SizeBudget budget) {
        Map<String, Outcome> records = new LinkedHashMap<>();
        byte[] junk = new byte[1_048_300];
        new Random(7).nextBytes(junk);
        junk[0] = '{'; // no wire format starts so: refused by its first bytes
        records.put(tag + "junk", new Outcome(junk, DeadLetterReason.UNKNOWN_WIRE_FORMAT));
        // the same kind exactly at the payload limit (decoded, refused as not Avro) and one byte over
        String junkAt = tag + "junk-at";
        records.put(
                junkAt,
                new Outcome(random(budget.maxPayloadBytes() - junkAt.length()), DeadLetterReason.UNKNOWN_WIRE_FORMAT));
        String junkOver = tag + "junk-over";
        records.put(junkOver, new Outcome(random(budget.maxPayloadBytes() + 1), DeadLetterReason.PAYLOAD_TOO_LARGE));
        records.put(
                tag + "padded",
                new Outcome(paddedImage(tag + "padded", 32, 1_048_480), DeadLetterReason.PAYLOAD_TOO_LARGE));
        String exact = tag + "exact";
        int atLimit = budget.maxPayloadBytes() - exact.length(); // key and value share the held copy
        records.put(exact, new Outcome(paddedImage(exact, 32, atLimit), null));
        String over = tag + "over";
        records.put(
                over,
                new Outcome(
                        paddedImage(over, 32, budget.maxPayloadBytes() - over.length() + 1),
                        DeadLetterReason.PAYLOAD_TOO_LARGE));
        // Held, but its prediction copies the attributes and adds more: too large for the output topic.
        String fat = tag + "fat";
        records.put(
                fat,
                new Outcome(
                        paddedImage(fat, 1, budget.maxPayloadBytes() - fat.length()),
                        DeadLetterReason.OUTPUT_TOO_LARGE));
        for (int i = 0; i < VALID; i++) {
            records.put(tag + "v" + i, new Outcome(TestImages.bytes(tag + "v" + i, i % 4, i % 4), null));
        }
        return records;
    }

    private static byte[] random(int length) {
        byte[] bytes = new byte[length];
        new Random(length).nextBytes(bytes);
        bytes[0] = '{'; // no wire format starts so
        return bytes;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void recordsAtAndOverEverySizeLimitEndAsOnePredictionOrOneDeadLetterAndServeStaysUpThroughARestart()
            throws Exception {
        StreamTestKit kit = new StreamTestKit(2);
        String stateDir = stateRoot.resolve("app").toString();
        int expectedPredictions = 0;
        int expectedDeadLetters = 0;
        try (KafkaProducer<byte[], byte[]> producer = largeRecordProducer()) {
            for (String tag : List.of("first-", "after-restart-")) {
                try (StreamApp app = new StreamApp(StreamConfig.of(kit.settings(stateDir)), new FakeModel(1)).start()) {
                    StreamTestKit.await(() -> app.state() == KafkaStreams.State.RUNNING, TIMEOUT, "RUNNING");
                    SizeBudget budget = app.sizeBudget();
                    assertEquals(SizeBudget.largestHeld(budget.changelog()), budget.maxPayloadBytes(), "auto");
                    Map<String, Outcome> records = round(tag, budget);
                    AtomicBoolean watching = new AtomicBoolean(true);
                    List<String> unhealthy = new CopyOnWriteArrayList<>();
                    Thread watcher = new Thread(() -> {
                        while (watching.get()) {
                            if (!app.isAlive() || app.state() != KafkaStreams.State.RUNNING) {
                                unhealthy.add(app.state().toString());
                            }
                            try {
                                Thread.sleep(50);
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                    });
                    watcher.start();
                    for (var record : records.entrySet()) {
                        producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(
                                        kit.images,
                                        record.getKey().getBytes(StandardCharsets.UTF_8),
                                        record.getValue().value()))
                                .get();
                    }
                    long predicted = records.values().stream()
                            .filter(o -> o.deadLetter() == null)
                            .count();
                    expectedPredictions += (int) predicted;
                    expectedDeadLetters += records.size() - (int) predicted;

                    List<String> ids = kit.predictedIds(expectedPredictions, TIMEOUT);
                    List<DeadLetter> dead = kit.deadLetters(expectedDeadLetters, TIMEOUT);
                    watching.set(false);
                    watcher.join();
                    assertEquals(List.of(), unhealthy, "serve stayed RUNNING and alive throughout: " + tag);
                    assertTrue(app.isAlive() && app.isReady());

                    assertEquals(expectedPredictions, ids.size(), "predictions so far");
                    assertTrue(StreamTestKit.counts(ids).values().stream().allMatch(c -> c == 1), "none twice");
                    records.forEach((key, outcome) -> {
                        if (outcome.deadLetter() == null) {
                            assertTrue(ids.contains(key), key + " predicted");
                        }
                    });
                    assertEquals(expectedDeadLetters, dead.size(), "dead letters so far");
                    Map<String, DeadLetter> byKey = dead.stream()
                            .collect(Collectors.toMap(
                                    d -> new String(bytesOf(d.getKey()), StandardCharsets.UTF_8), Function.identity()));
                    for (var record : records.entrySet()) {
                        Outcome outcome = record.getValue();
                        if (outcome.deadLetter() == null) {
                            assertFalse(byKey.containsKey(record.getKey()), record.getKey() + " not dead-lettered");
                            continue;
                        }
                        DeadLetter letter = byKey.get(record.getKey());
                        assertEquals(
                                outcome.deadLetter(), letter.getReason(), record.getKey() + ": " + letter.getMessage());
                        assertTrue(letter.getTruncated(), record.getKey() + " is too large to dead-letter whole");
                        assertEquals(outcome.value().length, letter.getOriginalValueLength());
                        assertEquals(sha256(outcome.value()), letter.getOriginalValueSha256());
                    }
                    assertTrue(
                            byKey.get(tag + "over").getMessage().contains("changelog"),
                            byKey.get(tag + "over").getMessage());
                }
            }
        }
    }

    /**
     * A topic limit lowered while serve runs: the held copy that fitted at start no longer does.
     * That is fatal (skipping a changelog write would lose the image), counted, and said; after a
     * restart the budget is read again and the same record is dead-lettered, not lost.
     */
    @Test
    void aChangelogLimitLoweredWhileServingStopsTheAppAndARestartDeadLettersTheRecord() throws Exception {
        StreamTestKit kit = new StreamTestKit(1);
        // Held past several commits: a copy classified within one commit never reaches the changelog.
        kit.extra.put(StreamOptions.MAX_BATCH_WAIT_MS.key(), "5000");
        kit.extra.put(
                StreamOptions.BATCH_CLOSE_WHEN_QUEUE_EMPTY.key(), "false"); // even when nothing waits for the model
        String stateDir = stateRoot.resolve("lowered").toString();
        try (KafkaProducer<byte[], byte[]> producer = largeRecordProducer()) {
            try (StreamApp app = new StreamApp(StreamConfig.of(kit.settings(stateDir)), new FakeModel(1)).start()) {
                StreamTestKit.await(() -> app.state() == KafkaStreams.State.RUNNING, TIMEOUT, "RUNNING");
                String changelog = FoveaTopology.pendingChangelog(StreamConfig.of(kit.settings(stateDir)));
                try (Admin admin = Admin.create(
                        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.bootstrapServers()))) {
                    admin.incrementalAlterConfigs(Map.of(
                                    new ConfigResource(ConfigResource.Type.TOPIC, changelog),
                                    List.of(new AlterConfigOp(
                                            new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "100000"),
                                            AlterConfigOp.OpType.SET))))
                            .all()
                            .get();
                }
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(
                                kit.images, "big".getBytes(), paddedImage("big", 32, 300_000)))
                        .get();
                StreamTestKit.await(() -> app.state() == KafkaStreams.State.ERROR, TIMEOUT, "ERROR");
                assertFalse(app.isAlive(), "/health answers 503");
                assertEquals(
                        1.0,
                        app.metrics()
                                .registry()
                                .get("fovea.stream.errors")
                                .tag("outcome", "fatal")
                                .counter()
                                .count());
            }
            try (StreamApp app = new StreamApp(StreamConfig.of(kit.settings(stateDir)), new FakeModel(1)).start()) {
                StreamTestKit.await(() -> app.state() == KafkaStreams.State.RUNNING, TIMEOUT, "RUNNING again");
                assertTrue(app.sizeBudget().maxPayloadBytes() < 100_000, "the lowered limit, read at start");
                DeadLetter letter = kit.deadLetters(1, TIMEOUT).get(0);
                assertEquals(DeadLetterReason.PAYLOAD_TOO_LARGE, letter.getReason());
                assertEquals("big", new String(bytesOf(letter.getKey()), StandardCharsets.UTF_8));
                assertTrue(kit.predictedIds(1, Duration.ofSeconds(2)).isEmpty());
                assertEquals(KafkaStreams.State.RUNNING, app.state());
            }
        }
    }

    private static byte[] bytesOf(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
