package io.fovea.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.fovea.schemas.kafka.KafkaConnection;
import io.fovea.schemas.kafka.TopicCreator;
import io.fovea.testing.KafkaTestBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** The broker's work table counts what the broker really did, by what each topic is for. */
class BrokerWorkIT {
    private final KafkaConnection kafka = KafkaTestBroker.connection();

    @Test
    void recordsWrittenAreCountedPerThousandImagesUnderTheirTopicsRole() throws Exception {
        String predictions = "cmp-out-" + UUID.randomUUID().toString().substring(0, 6);
        TopicCreator.ensure(kafka, predictions, 1, false);
        BrokerWork before = BrokerWork.now();
        assumeFalse(before.counts().isEmpty(), "the test broker runs in another process: its meters are not here");

        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(kafka.producer(Map.of()), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 20; i++) {
                producer.send(new ProducerRecord<>(predictions, new byte[2048])).get();
            }
        }
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                kafka.consumer(Map.of()), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(predictions, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            int read = 0;
            for (long deadline = System.nanoTime() + 30_000_000_000L; read < 20 && System.nanoTime() < deadline; ) {
                read += consumer.poll(Duration.ofMillis(200)).count();
            }
            assertEquals(20, read);
        }
        Map<String, Double> perThousand = BrokerWork.now().perThousandSince(before, 10);

        // 20 records for 10 images: 2,000 per 1,000 images, each over 2 KB with its batch's header
        assertEquals(2000.0, perThousand.get("records in: predictions"), 1e-9);
        assertTrue(perThousand.get("KB in: predictions") > 4000.0, perThousand.toString());
        assertTrue(perThousand.get("requests: Produce") >= 2000.0, perThousand.toString());
        assertFalse(perThousand.containsKey("records in: " + BrokerWork.CHANGELOG), perThousand.toString());
        // the broker meters a consumer's fetch under Fetch and again under FetchConsumer: counted once
        assertTrue(perThousand.get("requests: Fetch") >= 100.0, perThousand.toString());
        assertFalse(perThousand.containsKey("requests: FetchConsumer"), perThousand.toString());
    }

    @Test
    void topicsAreNamedForWhatTheyHold() {
        assertEquals(BrokerWork.CHANGELOG, BrokerWork.role("kafka-streams-t4e7f59-pending-images-changelog"));
        assertEquals("predictions", BrokerWork.role("cmp-out-4e7f59"));
        assertEquals("transaction log", BrokerWork.role("__transaction_state"));
        assertEquals("consumer offsets", BrokerWork.role("__consumer_offsets"));
        assertEquals("input and others", BrokerWork.role("bench-images-a21b4e"));
    }
}
