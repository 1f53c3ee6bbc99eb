package io.fovea.stream.errors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.avro.DeadLetter;
import io.fovea.avro.DeadLetterReason;
import io.fovea.schemas.serde.FoveaRecords;
import io.fovea.stream.limits.RecordLimit;
import io.fovea.stream.limits.SizeBudget;
import io.fovea.stream.metrics.StreamMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each case a handler meets ends dead-lettered and counted, or fatal and counted; none is dropped. */
class StreamErrorHandlersTest {
    private static final String DLQ = "fovea.images.dlq";
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private Map<String, Object> configs;

    private record Context(String topic, int partition, long offset, byte[] sourceRawKey, byte[] sourceRawValue)
            implements ErrorHandlerContext {
        @Override
        public Headers headers() {
            return new RecordHeaders();
        }

        @Override
        public String processorNodeId() {
            return "classify";
        }

        @Override
        public TaskId taskId() {
            return new TaskId(0, partition);
        }

        @Override
        public long timestamp() {
            return 0;
        }
    }

    private static final Context INPUT = new Context("fovea.images", 3, 77, "k".getBytes(), new byte[] {1, 2, 3});

    @BeforeEach
    void routing() {
        configs = Map.of(
                ErrorRouting.CONFIG_KEY,
                new ErrorRouting(DLQ, new RecordLimit(DLQ, 1_048_588, 1_048_576), new StreamMetrics(registry, 10)));
    }

    private double count(String handler, String outcome) {
        var counter = registry.find("fovea.stream.errors")
                .tag("handler", handler)
                .tag("outcome", outcome)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    private static DeadLetter onlyDeadLetter(List<ProducerRecord<byte[], byte[]>> records) {
        assertEquals(1, records.size());
        assertEquals(DLQ, records.get(0).topic());
        return FoveaRecords.DEAD_LETTER.decode(records.get(0).value());
    }

    @Test
    void aPredictionTooLargeForItsTopicBecomesADeadLetterOfTheInput() {
        ProductionErrors handler = new ProductionErrors();
        handler.configure(configs);
        ProductionExceptionHandler.Response response = handler.handleError(
                INPUT,
                new ProducerRecord<>("fovea.predictions", new byte[10], new byte[2_000_000]),
                new RecordTooLargeException("too large"));
        assertEquals(ProductionExceptionHandler.Result.RESUME, response.result());
        DeadLetter letter = onlyDeadLetter(response.deadLetterQueueRecords());
        assertEquals(DeadLetterReason.OUTPUT_TOO_LARGE, letter.getReason());
        assertEquals(77, letter.getSourceOffset());
        assertEquals(3, letter.getSourcePartition());
        assertEquals(1.0, count("production", "dead_lettered"));
        assertEquals(
                java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}), letter.getValue(), "the input, whole: it is small");
    }

    @Test
    void aDeadLetterTooLargeForItsTopicIsCutToTheMinimumAndOnlyThenFatal() {
        ProductionErrors handler = new ProductionErrors();
        handler.configure(configs);
        ProductionExceptionHandler.Response cut = handler.handleError(
                INPUT,
                new ProducerRecord<>(DLQ, new byte[4], new byte[500_000]),
                new RecordTooLargeException("lowered"));
        assertEquals(ProductionExceptionHandler.Result.RESUME, cut.result());
        ProducerRecord<byte[], byte[]> minimal = cut.deadLetterQueueRecords().get(0);
        assertTrue(minimal.value().length <= SizeBudget.MIN_DEAD_LETTER_BYTES);
        assertEquals(
                ProductionExceptionHandler.Result.FAIL,
                handler.handleError(INPUT, minimal, new RecordTooLargeException("still"))
                        .result(),
                "a topic that refuses even that cannot be helped by skipping");
        ProducerRecord<byte[], byte[]> smallButHeavyHeaders = new ProducerRecord<>(
                DLQ, null, new byte[4], new byte[100], List.of(new RecordHeader("blob", new byte[10_000])));
        assertEquals(
                ProductionExceptionHandler.Result.RESUME,
                handler.handleError(INPUT, smallButHeavyHeaders, new RecordTooLargeException("headers"))
                        .result(),
                "headers count: a letter heavy with them is cut again, not taken for minimal");
    }

    @Test
    void aMissingAclOrAChangelogRecordTooLargeStopsServeAndIsCounted() {
        ProductionErrors handler = new ProductionErrors();
        handler.configure(configs);
        assertEquals(
                ProductionExceptionHandler.Result.FAIL,
                handler.handleError(
                                INPUT,
                                new ProducerRecord<>("fovea.predictions", new byte[1], new byte[1]),
                                new TopicAuthorizationException("denied"))
                        .result());
        assertEquals(
                ProductionExceptionHandler.Result.FAIL,
                handler.handleError(
                                INPUT,
                                new ProducerRecord<>("app-pending-images-changelog", new byte[8], new byte[2_000_000]),
                                new RecordTooLargeException("too large"))
                        .result());
        assertEquals(2.0, count("production", "fatal"));
        assertTrue(ProductionErrors.whatToDo("fovea.predictions", new TopicAuthorizationException("x"))
                .contains("WRITE on topic fovea.predictions"));
    }

    @Test
    void aRecordWhoseProcessingThrowsIsDeadLetteredWithItsOriginalBytes() {
        ProcessingErrors handler = new ProcessingErrors();
        handler.configure(configs);
        ProcessingExceptionHandler.Response response = handler.handleError(
                INPUT,
                new Record<>(INPUT.sourceRawKey(), INPUT.sourceRawValue(), 0),
                new IllegalStateException("a defect"));
        assertEquals(ProcessingExceptionHandler.Result.RESUME, response.result());
        DeadLetter letter = onlyDeadLetter(response.deadLetterQueueRecords());
        assertEquals(DeadLetterReason.PROCESSING_FAILED, letter.getReason());
        assertTrue(letter.getMessage().contains("a defect"), letter.getMessage());
        assertEquals(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}), letter.getValue());
        assertEquals(1.0, count("processing", "dead_lettered"));
    }

    @Test
    void aFailedPunctuationIsCountedAndTheNextOneTriesAgain() {
        ProcessingErrors handler = new ProcessingErrors();
        handler.configure(configs);
        ProcessingExceptionHandler.Response response = handler.handleError(
                new Context(null, 0, -1, null, null), null, new IllegalStateException("punctuation"));
        assertEquals(ProcessingExceptionHandler.Result.RESUME, response.result());
        assertTrue(response.deadLetterQueueRecords().isEmpty());
        assertEquals(1.0, count("processing", "skipped_punctuation"));
    }
}
