package io.fovea.stream.errors;

import io.fovea.avro.DeadLetter;
import io.fovea.avro.DeadLetterReason;
import io.fovea.schemas.serde.FoveaRecords;
import io.fovea.stream.limits.RecordLimit;
import io.fovea.stream.limits.SizeBudget;
import io.fovea.stream.metrics.StreamMetrics;
import io.fovea.stream.predict.DeadLetters;
import io.fovea.stream.validate.SourceRecord;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndFailExceptionHandler;

/**
 * What Fovea's Kafka Streams handlers share: where dead letters go, how large they may be, and the
 * meters. Kafka Streams builds its handlers from class names, so the app hands this over in the
 * settings under {@link #CONFIG_KEY}.
 */
public record ErrorRouting(
        String deadLetterTopic,
        RecordLimit deadLetterLimit,
        StreamMetrics metrics,
        Function<DeadLetter, byte[]> deadLetterEncoder) {
    public static final String CONFIG_KEY = "fovea.error.routing";

    /** Dead letters in single-object encoding. */
    public ErrorRouting(String deadLetterTopic, RecordLimit deadLetterLimit, StreamMetrics metrics) {
        this(deadLetterTopic, deadLetterLimit, metrics, FoveaRecords.DEAD_LETTER::encode);
    }

    /**
     * Sets Fovea's handlers in the Kafka Streams {@code properties}, with {@code routing} for them.
     * Records are read as bytes, which cannot fail to deserialize: that handler fails on anything.
     */
    public static void install(Properties properties, ErrorRouting routing) {
        properties.put(CONFIG_KEY, routing);
        properties.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, ProcessingErrors.class);
        properties.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true); // Kafka 5.0's default
        properties.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, ProductionErrors.class);
        properties.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndFailExceptionHandler.class);
    }

    static ErrorRouting from(Map<String, ?> configs) {
        if (configs.get(CONFIG_KEY) instanceof ErrorRouting routing) {
            return routing;
        }
        throw new IllegalStateException(CONFIG_KEY + " missing: Fovea's handlers run only inside StreamApp");
    }

    /** A dead letter for the dead-letter topic, cut short if need be. */
    ProducerRecord<byte[], byte[]> deadLetter(DeadLetterReason reason, String message, SourceRecord source) {
        return deadLetter(reason, message, source, deadLetterLimit);
    }

    /** A dead letter small enough for any dead-letter topic serve accepts at start. */
    ProducerRecord<byte[], byte[]> minimalDeadLetter(DeadLetterReason reason, String message, SourceRecord source) {
        int minimum = SizeBudget.MIN_DEAD_LETTER_BYTES;
        return deadLetter(reason, message, source, new RecordLimit(deadLetterTopic, minimum, minimum));
    }

    private ProducerRecord<byte[], byte[]> deadLetter(
            DeadLetterReason reason, String message, SourceRecord source, RecordLimit limit) {
        Instant now = Instant.now();
        DeadLetters.Letter letter = DeadLetters.fitted(reason, message, source, now, limit, deadLetterEncoder);
        metrics.deadLetter(reason, letter.truncated());
        return new ProducerRecord<>(
                deadLetterTopic, null, now.toEpochMilli(), letter.key(), letter.value(), List.of(letter.headers()));
    }

    /** The input record the handler was called about. */
    static SourceRecord sourceOf(ErrorHandlerContext context) {
        return new SourceRecord(
                context.topic(),
                context.partition(),
                context.offset(),
                context.sourceRawKey(),
                context.sourceRawValue());
    }
}
