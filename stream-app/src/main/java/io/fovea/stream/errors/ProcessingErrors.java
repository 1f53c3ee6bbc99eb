package io.fovea.stream.errors;

import io.fovea.avro.DeadLetterReason;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An exception thrown while a record was processed (a defect, since refusals are caught where they
 * arise): the input record is dead-lettered as PROCESSING_FAILED, with its original bytes, and
 * the stream goes on. One thrown by a punctuation has no record: it is logged and the next
 * punctuation tries again, since the images it would have batched stay in the pending store.
 */
public final class ProcessingErrors implements ProcessingExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessingErrors.class);
    static final String HANDLER = "processing";

    private ErrorRouting routing;

    @Override
    public void configure(Map<String, ?> configs) {
        routing = ErrorRouting.from(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (record == null) {
            LOG.error("A punctuation of task {} failed; the next one tries again", context.taskId(), exception);
            routing.metrics().streamError(HANDLER, "skipped_punctuation");
            return Response.resume();
        }
        LOG.error(
                "Processing {}-{}@{} failed; it is dead-lettered as {}",
                context.topic(),
                context.partition(),
                context.offset(),
                DeadLetterReason.PROCESSING_FAILED,
                exception);
        routing.metrics().streamError(HANDLER, "dead_lettered");
        return Response.resume(List.of(routing.deadLetter(
                DeadLetterReason.PROCESSING_FAILED,
                "processing failed: " + exception,
                ErrorRouting.sourceOf(context))));
    }
}
