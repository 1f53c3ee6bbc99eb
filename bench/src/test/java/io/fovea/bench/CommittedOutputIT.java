package io.fovea.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.avro.Prediction;
import io.fovea.schemas.kafka.KafkaConnection;
import io.fovea.schemas.kafka.TopicCreator;
import io.fovea.schemas.serde.FoveaRecords;
import io.fovea.testing.KafkaTestBroker;
import io.fovea.testing.TestPredictions;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** The accuracy bench pipeline prints is what a downstream reader sees: committed predictions of labelled images. */
class CommittedOutputIT {
    private final KafkaConnection kafka = KafkaTestBroker.connection();

    @Test
    void scoresTheCommittedPredictionsOfLabelledImagesOnly() {
        String topic = "scored-" + UUID.randomUUID().toString().substring(0, 8);
        TopicCreator.ensure(kafka, topic, 1, false);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                        kafka.producer(Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "scored-" + topic)),
                        new ByteArraySerializer(),
                        new ByteArraySerializer());
                CommittedOutput reader = new CommittedOutput(kafka, topic)) {
            producer.initTransactions();
            producer.beginTransaction();
            // aborted: a reader never sees these, so they must not count, right or wrong
            send(producer, topic, 3, 4);
            send(producer, topic, 3, 3);
            producer.abortTransaction();
            producer.beginTransaction();
            send(producer, topic, 1, 1);
            send(producer, topic, 2, 2);
            send(producer, topic, 5, 2);
            send(producer, topic, 6, 8);
            send(producer, topic, 7, null); // unlabelled: neither right nor wrong
            producer.commitTransaction();

            reader.await(5, Duration.ofSeconds(30));

            assertEquals(0.5, reader.top1(), 1e-9, "2 of the 4 labelled predictions named their label");
        }
    }

    @Test
    void predictionsOfUnlabelledImagesHaveNoScore() {
        String topic = "unscored-" + UUID.randomUUID().toString().substring(0, 8);
        TopicCreator.ensure(kafka, topic, 1, false);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                        kafka.producer(Map.of()), new ByteArraySerializer(), new ByteArraySerializer());
                CommittedOutput reader = new CommittedOutput(kafka, topic)) {
            send(producer, topic, 1, null);
            producer.flush();

            reader.await(1, Duration.ofSeconds(30));

            assertTrue(Double.isNaN(reader.top1()), "no score from no labels: " + reader.top1());
        }
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, int predicted, Integer label) {
        Prediction p = TestPredictions.scored("i" + UUID.randomUUID(), predicted, label);
        producer.send(new ProducerRecord<>(topic, FoveaRecords.PREDICTION.encode(p)));
    }
}
