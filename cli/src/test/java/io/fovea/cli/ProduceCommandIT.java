package io.fovea.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.avro.ImageEvent;
import io.fovea.avro.PixelFormat;
import io.fovea.schemas.serde.FoveaRecords;
import io.fovea.testing.CifarFiles;
import io.fovea.testing.KafkaTestBroker;
import io.fovea.testing.KafkaTestClients;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/fovea produce} against the real test broker. */
class ProduceCommandIT {
    @TempDir
    Path dir;

    @Test
    void producesEveryCifarRecordAsAnImageEventKeyedByItsIdWithPixelsAndLabelIntact() throws IOException {
        Path batch = CifarFiles.write(dir.resolve("data_batch_9.bin"), 25);
        String topic = KafkaTestClients.uniqueTopic("images");
        CliRun run = CliRun.of(
                "produce",
                "--bootstrap",
                KafkaTestBroker.bootstrapServers(),
                "--data",
                batch.toString(),
                "--topic",
                topic,
                "--run-id",
                "r1",
                "--partitions",
                "3");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("Produced 25 images"), run.out());

        List<ConsumerRecord<byte[], byte[]>> records =
                KafkaTestClients.readCommitted(topic, 25, Duration.ofSeconds(30));
        assertEquals(25, records.size());
        byte[] file = Files.readAllBytes(batch);
        Set<String> ids = records.stream()
                .map(r -> {
                    ImageEvent event = FoveaRecords.IMAGE_EVENT.decode(r.value());
                    int index = Integer.parseInt(event.getId().substring("r1/data_batch_9.bin#".length()));
                    assertEquals(event.getId(), new String(r.key(), StandardCharsets.UTF_8));
                    assertEquals(index % 10, event.getLabel());
                    assertEquals(PixelFormat.RGB8_CHW, event.getPixelFormat());
                    assertEquals(32, event.getWidth());
                    byte[] pixels = new byte[event.getPixels().remaining()];
                    event.getPixels().get(pixels);
                    int from = index * CifarFiles.RECORD + 1;
                    assertTrue(
                            Arrays.equals(Arrays.copyOfRange(file, from, from + 3072), pixels), "pixels of " + index);
                    return event.getId();
                })
                .collect(Collectors.toSet());
        assertEquals(25, ids.size());
        assertEquals(3, KafkaTestClients.partitionCount(topic), "--partitions sets the new topic's partition count");
    }

    @Test
    void producesAnImageFolderAsPngAndJpegEventsLabelledBySubFolder() throws IOException {
        Files.createDirectories(dir.resolve("imgs/cat"));
        Files.createDirectories(dir.resolve("imgs/dog"));
        ImageIO.write(
                new BufferedImage(20, 10, BufferedImage.TYPE_INT_RGB),
                "png",
                dir.resolve("imgs/cat/a.png").toFile());
        ImageIO.write(
                new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB),
                "jpg",
                dir.resolve("imgs/dog/b.jpg").toFile());
        String topic = KafkaTestClients.uniqueTopic("folder");
        CliRun run = CliRun.of(
                "produce",
                "--bootstrap",
                KafkaTestBroker.bootstrapServers(),
                "--data",
                dir.resolve("imgs").toString(),
                "--topic",
                topic,
                "--run-id",
                "f");
        assertEquals(0, run.exitCode(), run.err());

        List<ImageEvent> events = KafkaTestClients.readCommitted(topic, 2, Duration.ofSeconds(30)).stream()
                .map(r -> FoveaRecords.IMAGE_EVENT.decode(r.value()))
                .sorted((a, b) -> a.getId().compareTo(b.getId()))
                .toList();
        assertEquals(
                List.of("f/cat/a.png", "f/dog/b.jpg"),
                events.stream().map(ImageEvent::getId).toList());
        assertEquals(PixelFormat.PNG, events.get(0).getPixelFormat());
        assertEquals(20, events.get(0).getWidth());
        assertEquals(0, events.get(0).getLabel());
        assertEquals(PixelFormat.JPEG, events.get(1).getPixelFormat());
        assertEquals(1, events.get(1).getLabel());
        assertEquals("dog", events.get(1).getAttributes().get("label_name"));
    }

    @Test
    void limitStopsAfterNImages() throws IOException {
        Path batch = CifarFiles.write(dir.resolve("b.bin"), 10);
        String topic = KafkaTestClients.uniqueTopic("limit");
        CliRun run = CliRun.of(
                "produce",
                "--bootstrap",
                KafkaTestBroker.bootstrapServers(),
                "--data",
                batch.toString(),
                "--topic",
                topic,
                "--limit",
                "4");
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(
                4,
                KafkaTestClients.readCommitted(topic, 10, Duration.ofSeconds(5)).size());
    }

    @Test
    void truncatedBatchFailsWithTheFileNamedAndSendsNothing() throws IOException {
        Path batch = CifarFiles.write(dir.resolve("cut.bin"), 3);
        Files.write(batch, Arrays.copyOf(Files.readAllBytes(batch), 3 * CifarFiles.RECORD - 7));
        String topic = KafkaTestClients.uniqueTopic("cut");
        CliRun run = CliRun.of(
                "produce",
                "--bootstrap",
                KafkaTestBroker.bootstrapServers(),
                "--data",
                batch.toString(),
                "--topic",
                topic);
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains(batch + ": truncated"), run.err());
        assertTrue(KafkaTestClients.topicNames().stream().noneMatch(topic::equals), "topic must not be created");
    }

    @Test
    void missingDataIsAOneLineError() {
        CliRun run = CliRun.of(
                "produce",
                "--bootstrap",
                KafkaTestBroker.bootstrapServers(),
                "--data",
                dir.resolve("none").toString());
        assertEquals(2, run.exitCode());
        assertEquals(
                "fovea produce: " + dir.resolve("none") + ": does not exist",
                run.err().strip());
    }
}
