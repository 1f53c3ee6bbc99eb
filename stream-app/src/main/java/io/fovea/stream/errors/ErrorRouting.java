package io.fovea.stream.errors;

import io.fovea.avro.DeadLetterReason;
import io.fovea.stream.limits.RecordLimit;
import io.fovea.stream.limits.SizeBudget;
import io.fovea.stream.metrics.StreamMetrics;
import io.fovea.stream.validate.DeadLetters;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What Fovea's Kafka Streams handlers share: where dead letters go, how large they may be, and the
 * meters. Kafka Streams builds its handlers from class names, so the app hands this over in the
 * settings under {@link #CONFIG_KEY}.
 */
public record ErrorRouting(String deadLetterTopic, RecordLimit deadLetterLimit, StreamMetrics metrics) {
    public static final String CONFIG_KEY = "fovea.error.routing";

    static ErrorRouting from(Map<String, ?> configs) {
        if (configs.get(CONFIG_KEY) instanceof ErrorRouting routing) {
            return routing;
        }
        throw new IllegalStateException(CONFIG_KEY + " missing: Fovea's handlers run only inside StreamApp");
    }

    /** A dead letter for the dead-letter topic, cut short if need be. */
    ProducerRecord<byte[], byte[]> deadLetter(
            DeadLetterReason reason,
            String message,
            String topic,
            int partition,
            long offset,
            byte[] key,
            byte[] value) {
        return deadLetter(reason, message, topic, partition, offset, key, value, deadLetterLimit);
    }

    /** A dead letter small enough for any dead-letter topic serve accepts at start. */
    ProducerRecord<byte[], byte[]> minimalDeadLetter(
            DeadLetterReason reason,
            String message,
            String topic,
            int partition,
            long offset,
            byte[] key,
            byte[] value) {
        return deadLetter(
                reason,
                message,
                topic,
                partition,
                offset,
                key,
                value,
                new RecordLimit(deadLetterTopic, SizeBudget.MIN_DEAD_LETTER_BYTES, SizeBudget.MIN_DEAD_LETTER_BYTES));
    }

    private ProducerRecord<byte[], byte[]> deadLetter(
            DeadLetterReason reason,
            String message,
            String topic,
            int partition,
            long offset,
            byte[] key,
            byte[] value,
            RecordLimit limit) {
        Instant now = Instant.now();
        DeadLetters.Letter letter = DeadLetters.fitted(
                reason, message, topic == null ? "" : topic, partition, offset, key, value, now, limit);
        metrics.deadLetter(reason, letter.truncated());
        return new ProducerRecord<>(deadLetterTopic, null, now.toEpochMilli(), letter.key(), letter.value());
    }
}
