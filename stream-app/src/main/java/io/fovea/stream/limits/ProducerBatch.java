package io.fovea.stream.limits;

import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * How large the producer's batches may grow. A commit flushes the held copies of every image still
 * waiting or in a pass, hundreds of records of a few KB at once: with Kafka's 16 KiB batches that is
 * a produce request per few images (docs/benchmarks.md, "What the broker does per image"). Up to
 * {@value #PREFERRED} bytes a batch, but no more than the smallest record any of serve's topics
 * takes, so that no batch is refused as too large for its topic; and never below Kafka's own
 * {@value #KAFKA_DEFAULT}, so a cluster of small limits gets what it got before.
 */
public final class ProducerBatch {
    /** Measured against Kafka's 16 KiB: a fifth of the produce requests, the same speed or better. */
    public static final int PREFERRED = 256 * 1024;
    /** The producer's own default batch size. */
    public static final int KAFKA_DEFAULT = 16 * 1024;

    private ProducerBatch() {}

    /** The batch size for the topics of {@code budget}. */
    public static int bytes(SizeBudget budget) {
        int smallest = Stream.of(
                        budget.changelog(), budget.predictions(), budget.shadowPredictions(), budget.deadLetters())
                .mapToInt(RecordLimit::bytes)
                .min()
                .orElseThrow();
        return Math.max(KAFKA_DEFAULT, Math.min(PREFERRED, smallest));
    }

    /**
     * Sets the producer's batch size in Kafka Streams' {@code properties}, unless a {@code kafka.*}
     * setting already chose one for it (for every client or for producers).
     */
    public static void apply(Properties properties, SizeBudget budget) {
        String producers = StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG);
        if (!properties.containsKey(ProducerConfig.BATCH_SIZE_CONFIG) && !properties.containsKey(producers)) {
            properties.put(producers, bytes(budget));
        }
    }
}
