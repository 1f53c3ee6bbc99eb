package io.fovea.stream.errors;

import io.fovea.avro.DeadLetterReason;
import io.fovea.stream.limits.RecordLimit;
import io.fovea.stream.limits.SizeBudget;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A record Kafka could not write. Sizes are checked before anything is forwarded ({@code
 * SizeBudget}), so a record too large here means a topic's limit was lowered while serve ran: a
 * prediction or dead letter is then replaced by a dead letter cut to {@link
 * SizeBudget#MIN_DEAD_LETTER_BYTES}, with the original's length and SHA-256. Anything else (a missing ACL, a changelog record too large) cannot be
 * fixed by skipping a record: serve stops, says what to do, and nothing committed is lost.
 */
public final class ProductionErrors implements ProductionExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ProductionErrors.class);
    static final String HANDLER = "production";

    private ErrorRouting routing;

    @Override
    public void configure(Map<String, ?> configs) {
        routing = ErrorRouting.from(configs);
    }

    @Override
    public Response handleError(
            ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        boolean changelog = record.topic().endsWith("-changelog");
        boolean alreadyMinimal = record.topic().equals(routing.deadLetterTopic())
                && new RecordLimit(record.topic(), SizeBudget.MIN_DEAD_LETTER_BYTES, SizeBudget.MIN_DEAD_LETTER_BYTES)
                        .fits(record.key(), record.value(), record.headers().toArray());
        if (exception instanceof RecordTooLargeException && !changelog && !alreadyMinimal) {
            LOG.warn(
                    "A record for {} was too large for it ({}); the input {}-{}@{} is dead-lettered instead",
                    record.topic(),
                    exception.getMessage(),
                    context.topic(),
                    context.partition(),
                    context.offset());
            routing.metrics().streamError(HANDLER, "dead_lettered");
            return Response.resume(List.of(routing.minimalDeadLetter(
                    DeadLetterReason.OUTPUT_TOO_LARGE,
                    "the record for " + record.topic() + " was refused: " + exception.getMessage(),
                    ErrorRouting.sourceOf(context))));
        }
        routing.metrics().streamError(HANDLER, "fatal");
        LOG.error(
                "Cannot write to {}: {}. Serve stops; nothing committed is lost, and the uncommitted work is "
                        + "redone on restart. {}",
                record.topic(),
                exception,
                whatToDo(record.topic(), exception));
        return Response.fail();
    }

    @Override
    public Response handleSerializationError(
            ErrorHandlerContext context,
            ProducerRecord record,
            Exception exception,
            SerializationExceptionOrigin origin) {
        routing.metrics().streamError(HANDLER, "fatal");
        LOG.error(
                "Serializing a record for {} failed ({}): Fovea writes bytes only, so this is a defect; "
                        + "please report it with this log",
                record.topic(),
                origin,
                exception);
        return Response.fail();
    }

    static String whatToDo(String topic, Exception exception) {
        if (exception instanceof AuthorizationException) {
            return "Grant serve's principal the ACL the error names (WRITE on topic " + topic
                    + ", or on its transactional id), then restart serve.";
        }
        if (exception instanceof RecordTooLargeException) {
            return "Raise max.message.bytes of " + topic + " back to what it was when serve started, or restart serve "
                    + "so that it sizes its records to the new limit.";
        }
        return "Check the broker and the topic " + topic + ", then restart serve.";
    }
}
