package io.fovea.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.avro.DeadLetter;
import io.fovea.avro.DeadLetterReason;
import io.fovea.schemas.serde.FoveaRecords;
import io.fovea.testing.CifarFiles;
import io.fovea.testing.KafkaTestBroker;
import io.fovea.testing.KafkaTestClients;
import io.fovea.testing.TestPredictions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** {@code bin/fovea consume} against the real test broker. */
class ConsumeCommandIT {

    private static void send(String topic, List<byte[]> values) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.bootstrapServers()),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            values.forEach(v -> producer.send(new ProducerRecord<>(topic, 0, "k".getBytes(StandardCharsets.UTF_8), v)));
        }
    }

    @Test
    void printsPredictionsWithRunningAccuracyDeadLettersAndSurvivesGarbage() {
        String topic = KafkaTestClients.uniqueTopic("mixed");
        KafkaTestClients.createTopic(topic, 1);
        DeadLetter dead = DeadLetter.newBuilder()
                .setReason(DeadLetterReason.CORRUPT_IMAGE)
                .setMessage("bad PNG")
                .setSourceTopic("in")
                .setSourcePartition(0)
                .setSourceOffset(5L)
                .setKey(ByteBuffer.wrap("x9".getBytes(StandardCharsets.UTF_8)))
                .setValue(null)
                .setFailedAt(Instant.EPOCH)
                .build();
        DeadLetter cut = DeadLetter.newBuilder(dead)
                .setReason(DeadLetterReason.PAYLOAD_TOO_LARGE)
                .setMessage("too large")
                .setValue(ByteBuffer.wrap(new byte[] {1, 2, 3}))
                .setTruncated(true)
                .setOriginalValueLength(2_000_000)
                .setOriginalValueSha256("ab".repeat(32))
                .build();
        send(
                topic,
                List.of(
                        FoveaRecords.PREDICTION.encode(TestPredictions.scored("a", 3, 3)),
                        "not avro".getBytes(StandardCharsets.UTF_8),
                        FoveaRecords.PREDICTION.encode(TestPredictions.scored("b", 1, 2)),
                        FoveaRecords.DEAD_LETTER.encode(dead),
                        FoveaRecords.PREDICTION.encode(TestPredictions.scored("c", 4, null)),
                        FoveaRecords.DEAD_LETTER.encode(cut)));

        CliRun run = CliRun.of("consume", "--bootstrap", KafkaTestBroker.bootstrapServers(), "--topic", topic);

        assertEquals(0, run.exitCode(), run.err());
        List<String> lines = run.out().lines().toList();
        assertEquals(6, lines.size(), run.out());
        assertTrue(
                lines.get(0).startsWith("a -> class3 0.900 [m@1, batch 8] ok truth=3 accuracy=1.000 (1)"),
                lines.get(0));
        assertTrue(lines.get(1).contains("UNDECODABLE NOT_SINGLE_OBJECT_AVRO"), lines.get(1));
        assertTrue(lines.get(2).endsWith("WRONG truth=2 accuracy=0.500 (2)"), lines.get(2));
        assertEquals("DEAD x9 CORRUPT_IMAGE from in-0@5: bad PNG", lines.get(3));
        assertEquals("c -> class4 0.900 [m@1, batch 8]", lines.get(4));
        assertEquals(
                "DEAD x9 PAYLOAD_TOO_LARGE from in-0@5: too large [cut short to fit the topic: 3 of 2000000 value bytes"
                        + " kept, original SHA-256 " + "ab".repeat(32) + "]",
                lines.get(5));
        assertTrue(run.err().contains("Accuracy: 0.500 over 2 labelled predictions"), run.err());
        assertTrue(run.err().contains("Dead letters by reason: {CORRUPT_IMAGE=1, PAYLOAD_TOO_LARGE=1}"), run.err());
    }

    @Test
    void limitStopsEarlyAndJsonPrintsAvroJson() {
        String topic = KafkaTestClients.uniqueTopic("json");
        KafkaTestClients.createTopic(topic, 1);
        send(
                topic,
                List.of(
                        FoveaRecords.PREDICTION.encode(TestPredictions.scored("a", 1, null)),
                        FoveaRecords.PREDICTION.encode(TestPredictions.scored("b", 1, null))));

        CliRun run = CliRun.of(
                "consume",
                "--bootstrap",
                KafkaTestBroker.bootstrapServers(),
                "--topic",
                topic,
                "--limit",
                "1",
                "--json");

        assertEquals(0, run.exitCode(), run.err());
        List<String> lines = run.out().lines().toList();
        assertEquals(1, lines.size(), run.out());
        assertTrue(lines.get(0).startsWith("{\"id\": \"a\", \"label\": \"class1\""), lines.get(0));
    }

    @Test
    void producedImagesAreReadBackThroughTheSameCli(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        String topic = KafkaTestClients.uniqueTopic("roundtrip");
        java.nio.file.Path batch = CifarFiles.write(dir.resolve("test_batch.bin"), 12);
        assertEquals(
                0,
                CliRun.of(
                                "produce",
                                "--bootstrap",
                                KafkaTestBroker.bootstrapServers(),
                                "--data",
                                batch.toString(),
                                "--topic",
                                topic,
                                "--run-id",
                                "rt")
                        .exitCode());

        CliRun run = CliRun.of("consume", "--bootstrap", KafkaTestBroker.bootstrapServers(), "--topic", topic);

        assertEquals(
                12,
                run.out()
                        .lines()
                        .filter(l -> l.startsWith("IMAGE rt/test_batch.bin#"))
                        .count(),
                run.out());
        assertTrue(run.err().contains("Read: {ImageEvent=12}"), run.err());
    }

    @Test
    void missingTopicIsAClearErrorAfterTheWait() {
        CliRun run = CliRun.of(
                "consume",
                "--bootstrap",
                KafkaTestBroker.bootstrapServers(),
                "--topic",
                KafkaTestClients.uniqueTopic("absent"),
                "--wait",
                "1");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("does not exist"), run.err());
    }
}
