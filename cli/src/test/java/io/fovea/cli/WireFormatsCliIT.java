package io.fovea.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.avro.ImageEvent;
import io.fovea.avro.Prediction;
import io.fovea.schemas.registry.RegistrySettings;
import io.fovea.schemas.registry.SchemaRegistryClient;
import io.fovea.schemas.serde.FoveaRecords;
import io.fovea.schemas.serde.RegistryFramedCodec;
import io.fovea.schemas.serde.RegistryFraming;
import io.fovea.stream.predict.OutputEncoding;
import io.fovea.stream.predict.RegistryOutput;
import io.fovea.testing.CifarFiles;
import io.fovea.testing.KafkaTestBroker;
import io.fovea.testing.KafkaTestClients;
import io.fovea.testing.SchemaRegistryTestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code produce --format} and {@code consume} in every wire format, with a real broker and a real registry. */
class WireFormatsCliIT {
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    private static SchemaRegistryTestServer registry;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        registry = SchemaRegistryTestServer.startNew();
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    private Path commandConfig() throws IOException {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, "schema.registry.url=" + registry.url() + "\n");
        return file;
    }

    private CliRun produce(Path batch, String topic, String format, String runId) throws IOException {
        return CliRun.of(
                "produce",
                "--bootstrap",
                KafkaTestBroker.bootstrapServers(),
                "--command-config",
                commandConfig().toString(),
                "--data",
                batch.toString(),
                "--topic",
                topic,
                "--run-id",
                runId,
                "--partitions",
                "1",
                "--format",
                format);
    }

    @Test
    void eachFormatIsProducedAsDocumentedAndConsumeReadsThemAllMixedInOneTopic() throws IOException {
        Path batch = CifarFiles.write(dir.resolve("data_batch_9.bin"), 3);
        String topic = KafkaTestClients.uniqueTopic("formats");
        for (String format : List.of("single-object", "registry", "file")) {
            CliRun run = produce(batch, topic, format, format);
            assertEquals(0, run.exitCode(), run.err());
            assertTrue(run.out().contains("Produced 3 images"), run.out());
        }
        List<ConsumerRecord<byte[], byte[]>> records = KafkaTestClients.readCommitted(topic, 9, Duration.ofSeconds(30));
        assertEquals(9, records.size());
        SchemaRegistryClient client =
                new SchemaRegistryClient(RegistrySettings.from(Map.of(RegistrySettings.URL, registry.url())));
        for (ConsumerRecord<byte[], byte[]> r : records) {
            String id = new String(r.key(), StandardCharsets.UTF_8);
            if (id.startsWith("single-object/")) {
                assertEquals(id, FoveaRecords.IMAGE_EVENT.decode(r.value()).getId());
            } else if (id.startsWith("registry/")) {
                int schemaId = RegistryFraming.schemaId(r.value());
                assertEquals(schemaId, client.lookup(topic + "-value", ImageEvent.getClassSchema()));
                ImageEvent event = new RegistryFramedCodec<>(FoveaRecords.IMAGE_EVENT)
                        .decode(r.value(), schemaId, client.schemaById(schemaId), 1 << 20);
                assertEquals(id, event.getId());
            } else {
                assertArrayEquals(PNG, Arrays.copyOf(r.value(), 8), "a plain PNG file");
                int index = Integer.parseInt(id.substring("file/data_batch_9.bin#".length()));
                assertEquals(
                        Integer.toString(index % 10),
                        new String(r.headers().lastHeader("fovea.label").value(), StandardCharsets.UTF_8));
            }
        }

        // and predictions written registry-framed, as serve writes them with output.format=registry
        OutputEncoding output = new RegistryOutput(client, io.fovea.schemas.registry.SubjectNaming.TOPIC, true)
                .encoding(topic, topic + ".shadow", topic + ".dlq");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.bootstrapServers()),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, output.predictions().apply(prediction("p-1"))));
        }
        CliRun consumed = CliRun.of(
                "consume",
                "--bootstrap",
                KafkaTestBroker.bootstrapServers(),
                "--command-config",
                commandConfig().toString(),
                "--topic",
                topic,
                "--limit",
                "10");
        assertEquals(0, consumed.exitCode(), consumed.err());
        assertFalse(consumed.out().contains("UNDECODABLE"), consumed.out());
        for (String format : List.of("single-object", "registry", "file")) {
            assertTrue(consumed.out().contains("IMAGE " + format + "/data_batch_9.bin#2 32x32x3"), consumed.out());
        }
        assertTrue(consumed.out().contains("IMAGE file/data_batch_9.bin#1 32x32x3 PNG"), consumed.out());
        assertTrue(consumed.out().contains("p-1 -> cat 0.900"), consumed.out());
    }

    private static Prediction prediction(String id) {
        return Prediction.newBuilder()
                .setId(id)
                .setLabel("cat")
                .setLabelIndex(3)
                .setConfidence(0.9f)
                .setTopK(List.of())
                .setModelName("m")
                .setModelVersion(1)
                .setEventTime(java.time.Instant.EPOCH)
                .setPredictionTime(java.time.Instant.EPOCH)
                .setBatchSize(1)
                .setQueueMillis(0)
                .setInferenceMillis(1.0)
                .setSource(new io.fovea.avro.SourcePosition("in", 0, 0L))
                .setTrueLabel(null)
                .setAttributes(Map.of())
                .build();
    }
}
