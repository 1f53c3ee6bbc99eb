package io.fovea.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.avro.DeadLetter;
import io.fovea.avro.DeadLetterReason;
import io.fovea.avro.ImageEvent;
import io.fovea.avro.ModelRelease;
import io.fovea.avro.Prediction;
import io.fovea.avro.ReleaseAction;
import io.fovea.core.release.ReleasePublisher;
import io.fovea.core.runtime.NativeBackend;
import io.fovea.core.store.DirectoryModelStore;
import io.fovea.schemas.hostile.LengthBombs;
import io.fovea.schemas.kafka.KafkaConnection;
import io.fovea.schemas.kafka.TopicCreator;
import io.fovea.schemas.serde.FoveaRecords;
import io.fovea.testing.KafkaTestBroker;
import io.fovea.testing.KafkaTestClients;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The records of the issue, through a real broker into a serve JVM with the heap deploy/ gives it:
 * a length bomb for every variable-length field of every schema serve reads (images and releases),
 * each between valid images. Serve stays up, each image bomb is one dead letter naming its field,
 * each release bomb is skipped with a warning, serve follows a real promotion after them, a restart
 * reads the same releases back, and every valid image is classified once.
 */
class HostileRecordsIT {
    /** deploy/'s heap for serve (the StatefulSet and docker-compose). */
    private static final List<String> DEPLOYED_HEAP = List.of("-Xms1g", "-Xmx1g");

    private static final long[] LIES = {LengthBombs.DECLARED, Long.MAX_VALUE};

    @TempDir
    Path dir;

    @BeforeAll
    static void backend() {
        NativeBackend.configure();
    }

    @Test
    void lengthBombsOnEveryTopicServeReadsNeitherStopNorSteerItAndNothingValidIsLost() throws Exception {
        KafkaConnection kafka = KafkaTestBroker.connection();
        DirectoryModelStore store = new DirectoryModelStore(dir.resolve("store"));
        BenchVersions.publish(store);
        BenchVersions.publish(store);
        store.promote("bench", 1);
        String run = UUID.randomUUID().toString().substring(0, 6);
        String input = "hostile-in-" + run;
        String output = "hostile-out-" + run;
        String releases = "hostile-rel-" + run;
        TopicCreator.ensure(kafka, input, 2, false);
        Map<String, String> settings = ServeProcess.topics("hostile-" + run, input, output, releases, dir);
        List<String> args = List.of(
                "--bootstrap", kafka.bootstrapServers(), "--store", store.root().toString(), "--model", "bench");
        ImageLoad images = new ImageLoad(kafka);
        ServeMemoryTable memory = new ServeMemoryTable();

        ServeProcess serve = ServeProcess.start(DEPLOYED_HEAP, args, settings, dir.resolve("serve-1.log"))
                .awaitReady(Duration.ofMinutes(3));
        memory.add("ready", serve);
        images.fill(input, 50, "before-");
        Map<String, String> imageBombs = sendBombs(kafka, input, ImageEvent.getClassSchema(), images);
        memory.add("after " + imageBombs.size() + " ImageEvent bombs, each between valid images", serve);
        serve.awaitReady(Duration.ofSeconds(5)); // alive and ready, not restarting
        Map<String, HostileImages.Hostile> files = sendFiles(kafka, input, images);
        serve.awaitMetric("fovea_dead_letters_total", imageBombs.size() + files.size());
        // a valid image before each of the files, and the file at the pixel limit
        int validFiles = files.size() + 1 + 1;
        serve.awaitMetric("fovea_predictions_total", 50 + imageBombs.size() + validFiles);
        memory.add(
                "after " + (files.size() + 1) + " image files: one PNG at max.image.pixels (4096x4096, decoded and"
                        + " classified), one row over it, a GIF declared PNG, a PNG cut short",
                serve);
        serve.awaitReady(Duration.ofSeconds(5));

        Map<String, String> releaseBombs = sendBombs(kafka, releases, ModelRelease.getClassSchema(), null);
        serve.awaitMetric("fovea_releases_ignored_total", releaseBombs.size());
        memory.add("after " + releaseBombs.size() + " ModelRelease bombs, each skipped with a warning", serve);
        promote(kafka, releases, store, 2);
        serve.awaitServing(2);
        images.fill(input, 50, "after-");
        memory.add("after a real promotion that followed them (two versions loaded during the swap)", serve);
        int valid = 50 + imageBombs.size() + validFiles + 50;
        List<Prediction> predictions = predictions(output, valid);
        assertEquals(valid, predictions.size(), "every valid image classified once");
        assertEquals(
                valid, predictions.stream().map(Prediction::getId).distinct().count(), "no image twice");
        assertTrue(
                predictions.stream()
                        .filter(p -> p.getId().startsWith("after-"))
                        .allMatch(p -> p.getModelVersion() == 2),
                "serve followed the promotion that came after the release bombs");

        assertTrue(
                predictions.stream().anyMatch(p -> p.getId().equals("png-at-limit")),
                "the PNG at the limit classified");
        assertEachIsOneDeadLetterWithItsReason(output + "-dlq", imageBombs, files);
        String log = Files.readString(dir.resolve("serve-1.log"));
        for (String offset : releaseBombs.keySet()) {
            assertTrue(log.contains(releases + "-0@" + offset), "release bomb at offset " + offset + " warned of");
        }

        serve.close(); // SIGTERM: ends with 143 after draining, or throws
        ServeProcess restarted = ServeProcess.start(DEPLOYED_HEAP, args, settings, dir.resolve("serve-2.log"))
                .awaitReady(Duration.ofMinutes(3));
        images.fill(input, 20, "restarted-");
        memory.add("restarted: read every release bomb back at start-up", restarted);
        List<Prediction> afterRestart = predictions(output, valid + 20);
        assertEquals(valid + 20, afterRestart.size());
        assertTrue(afterRestart.stream()
                .filter(p -> p.getId().startsWith("restarted-"))
                .allMatch(p -> p.getModelVersion() == 2));
        restarted.close();
        System.out.println(memory);
    }

    /**
     * Sends every bomb of {@code schema} to {@code topic}, each after a valid image when {@code
     * images} is given; a release bomb takes the model's key, as a PROMOTED record would.
     *
     * @return each bomb's field path, by the offset it was written at
     */
    private static Map<String, String> sendBombs(KafkaConnection kafka, String topic, Schema schema, ImageLoad images)
            throws Exception {
        Map<String, String> byOffset = new HashMap<>();
        int i = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", kafka.bootstrapServers()),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (long lie : LIES) {
                for (LengthBombs.Bomb bomb : LengthBombs.of(schema, lie)) {
                    if (images != null) {
                        images.fill(topic, 1, "between-" + i + "-");
                    }
                    byte[] key = (images == null ? "bench" : "bomb-" + i).getBytes(StandardCharsets.UTF_8);
                    var sent = producer.send(new ProducerRecord<>(topic, images == null ? 0 : null, key, bomb.bytes()))
                            .get();
                    byOffset.put(
                            sent.partition() + "@" + sent.offset(),
                            bomb.path().replace("[0]", "").replace("{}", ""));
                    i++;
                }
            }
        }
        return images == null ? offsetsOnly(byOffset) : byOffset;
    }

    private static Map<String, String> offsetsOnly(Map<String, String> byPartitionOffset) {
        Map<String, String> offsets = new HashMap<>();
        byPartitionOffset.forEach((where, path) -> offsets.put(where.substring(where.indexOf('@') + 1), path));
        return offsets;
    }

    private static void promote(KafkaConnection kafka, String releases, DirectoryModelStore store, int version) {
        store.promote("bench", version);
        try (ReleasePublisher publisher = new ReleasePublisher(kafka, releases)) {
            publisher.send(ReleasePublisher.of(
                    store.manifest("bench", version), store.uri("bench", version), ReleaseAction.PROMOTED, 1));
        }
    }

    private static List<Prediction> predictions(String topic, int expected) {
        List<Prediction> all = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r :
                KafkaTestClients.readCommitted(topic, expected, Duration.ofMinutes(3))) {
            all.add(FoveaRecords.PREDICTION.decode(r.value()));
        }
        return all;
    }

    /** Each hostile image file as an ImageEvent after a valid image, by the offset it was written at. */
    private static Map<String, HostileImages.Hostile> sendFiles(KafkaConnection kafka, String input, ImageLoad images)
            throws Exception {
        Map<String, HostileImages.Hostile> byOffset = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", kafka.bootstrapServers()),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (HostileImages.Hostile hostile : HostileImages.all(4096L * 4096)) {
                images.fill(input, 1, "before-" + hostile.id() + "-");
                var sent = producer.send(new ProducerRecord<>(
                                input, hostile.id().getBytes(StandardCharsets.UTF_8), hostile.value()))
                        .get();
                if (hostile.reason() != null) {
                    byOffset.put(sent.partition() + "@" + sent.offset(), hostile);
                }
            }
        }
        return byOffset;
    }

    private static void assertEachIsOneDeadLetterWithItsReason(
            String dlq, Map<String, String> bombs, Map<String, HostileImages.Hostile> files) {
        int expected = bombs.size() + files.size();
        List<ConsumerRecord<byte[], byte[]>> letters =
                KafkaTestClients.readCommitted(dlq, expected, Duration.ofMinutes(2));
        assertEquals(expected, letters.size(), "one dead letter per hostile record, nothing else");
        Set<String> seen = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : letters) {
            DeadLetter letter = FoveaRecords.DEAD_LETTER.decode(r.value());
            String where = letter.getSourcePartition() + "@" + letter.getSourceOffset();
            assertTrue(seen.add(where), "one dead letter for " + where);
            if (files.containsKey(where)) {
                assertEquals(
                        files.get(where).reason(),
                        letter.getReason(),
                        files.get(where).kind() + ": " + letter.getMessage());
                continue;
            }
            String field = bombs.get(where);
            assertTrue(field != null, "a dead letter for a hostile record: " + where);
            assertEquals(DeadLetterReason.MALFORMED_AVRO, letter.getReason(), letter.getMessage());
            assertTrue(letter.getMessage().contains("field " + field + " declares"), letter.getMessage());
        }
    }
}
