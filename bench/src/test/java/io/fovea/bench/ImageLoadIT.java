package io.fovea.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.avro.ImageEvent;
import io.fovea.schemas.kafka.KafkaConnection;
import io.fovea.schemas.serde.FoveaRecords;
import io.fovea.testing.KafkaTestBroker;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/** The benchmarks' input never comes up short without saying so: a run must not wait for images never written. */
class ImageLoadIT {
    private final KafkaConnection kafka = KafkaTestBroker.connection();

    @Test
    void aFillWritesEveryImage() throws Exception {
        String topic = topic(Map.of());

        new ImageLoad(kafka).fill(topic, 250, "f");

        assertEquals(250, endOffset(topic));
    }

    @Test
    void aLabelledFillCarriesEachImagesLabelAndPixels() throws Exception {
        String topic = topic(Map.of());
        BenchImages labelled = new BenchImages(BenchModel.images(3, 32, 5), List.of(4, 0, 9), "three labelled images");

        new ImageLoad(kafka, labelled).fill(topic, 5, "f");

        Map<String, ImageEvent> byId = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                kafka.consumer(Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (byId.size() < 5 && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    ImageEvent event = FoveaRecords.IMAGE_EVENT.decode(r.value());
                    byId.put(event.getId(), event);
                });
            }
        }
        assertEquals(5, byId.size());
        for (int i = 0; i < 5; i++) {
            ImageEvent event = byId.get("f" + i);
            assertEquals(labelled.label(i), event.getLabel(), "image " + i);
            byte[] pixels = new byte[event.getPixels().remaining()];
            event.getPixels().get(pixels);
            assertArrayEquals(labelled.image(i).chw(), pixels, "image " + i);
        }
    }

    @Test
    void aFillTheBrokerRefusesFailsLoudlyInsteadOfLeavingTheTopicShort() throws Exception {
        // every image is larger than this topic takes: each write fails for good
        String topic = topic(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "1000"));

        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> new ImageLoad(kafka).fill(topic, 5, "f"));

        assertTrue(e.getMessage().contains("5 of 5 images could not be written"), e.getMessage());
    }

    @Test
    void aPacedLoadReportsOnlyTheImagesTheBrokerTook() throws Exception {
        String refusing = topic(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "1000"));
        String taking = topic(Map.of());

        assertEquals(0, new ImageLoad(kafka).offer(refusing, 4, 200));
        assertEquals(4, new ImageLoad(kafka).offer(taking, 4, 200));
    }

    @Test
    void aLoadUntilStoppedCountsEveryImageTheBrokerRefused() throws Exception {
        String refusing = topic(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "1000"));
        String taking = topic(Map.of());

        int refused = offerForAWhile(refusing);
        int refusedByTaking = offerForAWhile(taking);

        assertTrue(refused > 0, "refused " + refused);
        assertEquals(0, refusedByTaking);
        assertTrue(endOffset(taking) > 0, "the taking topic holds the images offered");
    }

    /** Offers at 200 images a second for a fifth of a second; returns how many the broker refused. */
    private int offerForAWhile(String topic) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger refused = new AtomicInteger(-1);
        Thread load = new Thread(() -> refused.set(new ImageLoad(kafka).offerFor(topic, 200, stop)));
        load.start();
        Thread.sleep(200);
        stop.set(true);
        load.join();
        return refused.get();
    }

    private String topic(Map<String, String> configs) throws Exception {
        String topic = "image-load-" + UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin = Admin.create(kafka.admin())) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(configs)))
                    .all()
                    .get();
        }
        return topic;
    }

    private long endOffset(String topic) throws Exception {
        TopicPartition partition = new TopicPartition(topic, 0);
        try (Admin admin = Admin.create(kafka.admin())) {
            return admin.listOffsets(Map.of(partition, OffsetSpec.latest()))
                    .partitionResult(partition)
                    .get()
                    .offset();
        }
    }
}
