package io.fovea.stream.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The producer's batches grow past Kafka's 16 KiB, but never past what a topic of serve's takes. */
class ProducerBatchTest {
    private static final RecordLimit DEFAULTS = new RecordLimit("t", 1_048_588, 1_048_576);

    private static SizeBudget budget(RecordLimit predictions) {
        return SizeBudget.of(DEFAULTS, predictions, DEFAULTS, DEFAULTS, null, "max.payload.bytes");
    }

    @Test
    void atKafkasDefaultLimitsBatchesTakeTheirPreferredSize() {
        assertEquals(ProducerBatch.PREFERRED, ProducerBatch.bytes(budget(DEFAULTS)));
    }

    @Test
    void aTopicThatTakesLessThanThePreferredBatchCapsEveryBatchAtItsLimit() {
        RecordLimit small = new RecordLimit("fovea.predictions", 100_000, 1_048_576);
        assertEquals(100_000, ProducerBatch.bytes(budget(small)));

        RecordLimit justOver = new RecordLimit("fovea.predictions", ProducerBatch.PREFERRED + 1, 1_048_576);
        assertEquals(ProducerBatch.PREFERRED, ProducerBatch.bytes(budget(justOver)));
    }

    @Test
    void aTopicThatTakesLessThanKafkasOwnBatchLeavesKafkasOwnBatchSize() {
        RecordLimit tiny = new RecordLimit("fovea.predictions", 5_000, 1_048_576);
        assertEquals(ProducerBatch.KAFKA_DEFAULT, ProducerBatch.bytes(budget(tiny)));
    }

    @Test
    void itIsSetForKafkaStreamsProducersUnlessTheUserChoseABatchSize() {
        Properties chosenForAll = new Properties();
        chosenForAll.put("batch.size", 32768);
        ProducerBatch.apply(chosenForAll, budget(DEFAULTS));
        assertEquals(32768, chosenForAll.get("batch.size"));
        assertEquals(null, chosenForAll.get("producer.batch.size"));

        Properties chosenForProducers = new Properties();
        chosenForProducers.put("producer.batch.size", "65536");
        ProducerBatch.apply(chosenForProducers, budget(DEFAULTS));
        assertEquals("65536", chosenForProducers.get("producer.batch.size"));

        Properties untouched = new Properties();
        ProducerBatch.apply(untouched, budget(DEFAULTS));
        assertEquals(ProducerBatch.PREFERRED, untouched.get("producer.batch.size"));
    }
}
