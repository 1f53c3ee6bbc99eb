package io.fovea.stream.batch;

import io.fovea.avro.DeadLetterReason;
import io.fovea.avro.Prediction;
import io.fovea.avro.SourcePosition;
import io.fovea.schemas.serde.FoveaRecords;
import io.fovea.stream.metrics.StreamMetrics;
import io.fovea.stream.predict.Predictions;
import io.fovea.stream.validate.AcceptedImage;
import io.fovea.stream.validate.DeadLetters;
import io.fovea.stream.validate.ImageValidator;
import io.fovea.stream.validate.RejectedRecordException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * One task's path: validate each record (refused ones become dead letters at once), hold the
 * accepted ones in {@link PendingImages}, and close a batch when it reaches the size limit or
 * its oldest image has waited the time limit; then classify it through the shared
 * {@link BatchAggregator} and emit the predictions.
 */
public final class ClassifyProcessor implements Processor<byte[], byte[], byte[], byte[]> {
    public static final String PREDICTIONS_SINK = "predictions";
    public static final String DEAD_LETTERS_SINK = "dead-letters";

    /** What a processor needs; one instance serves every task. */
    public record Settings(String inputTopic, String pendingStore, int maxBatchSize, Duration maxBatchWait, int topK,
                           ImageValidator validator, BatchAggregator aggregator, StreamMetrics metrics) {
    }

    private final Settings settings;
    private ProcessorContext<byte[], byte[]> context;
    private PendingImages pending;

    public ClassifyProcessor(Settings settings) {
        this.settings = settings;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        this.pending = new PendingImages(context.getStateStore(settings.pendingStore()));
        pending.recover(settings.validator(), context.currentSystemTimeMs());
        long interval = Math.max(1, settings.maxBatchWait().toMillis() / 2);
        context.schedule(Duration.ofMillis(interval), PunctuationType.WALL_CLOCK_TIME, this::closeIfDue);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        settings.metrics().recordIn();
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        AcceptedImage image;
        try {
            image = settings.validator().validate(record.value());
        } catch (RejectedRecordException e) {
            deadLetter(e.reason(), e.getMessage(), meta.topic(), meta.partition(), meta.offset(), record.key(), record.value());
            return;
        }
        pending.add(meta.offset(), record.key(), record.value(), image, context.currentSystemTimeMs());
        if (pending.size() >= settings.maxBatchSize()) {
            close("size");
        }
    }

    private void closeIfDue(long nowMillis) {
        if (!pending.isEmpty() && nowMillis - pending.oldestArrivalMillis() >= settings.maxBatchWait().toMillis()) {
            close("deadline");
        }
    }

    private void close(String cause) {
        List<PendingImages.Pending> batch = pending.oldest(settings.maxBatchSize());
        settings.metrics().batchClosed(cause);
        long start = System.nanoTime();
        BatchResult result;
        try {
            result = settings.aggregator().classify(batch.stream().map(p -> p.image().image()).toList());
        } catch (BatchAggregator.InferenceException e) {
            for (PendingImages.Pending p : batch) {
                deadLetter(DeadLetterReason.INFERENCE_FAILED, e.getMessage(), topic(), partition(), p.offset(), p.key(), p.value());
                pending.remove(p.offset());
            }
            return;
        }
        Instant now = Instant.now();
        for (int i = 0; i < batch.size(); i++) {
            PendingImages.Pending p = batch.get(i);
            long queueNanos = start - p.arrivalNanos();
            settings.metrics().queueWait(queueNanos);
            Prediction prediction = Predictions.of(p.image().event(), result, i, settings.topK(),
                    new SourcePosition(topic(), partition(), p.offset()), queueNanos / 1_000_000, now);
            context.forward(new Record<>(prediction.getId().getBytes(StandardCharsets.UTF_8),
                    FoveaRecords.PREDICTION.encode(prediction), now.toEpochMilli()), PREDICTIONS_SINK);
            Integer truth = prediction.getTrueLabel();
            settings.metrics().predicted(result.modelName(), result.modelVersion(),
                    now.toEpochMilli() - prediction.getEventTime().toEpochMilli(),
                    truth == null ? null : truth == prediction.getLabelIndex());
            pending.remove(p.offset());
        }
        result.probabilities().close();
    }

    private void deadLetter(DeadLetterReason reason, String message, String topic, int partition, long offset,
                            byte[] key, byte[] value) {
        Instant now = Instant.now();
        byte[] letter = FoveaRecords.DEAD_LETTER.encode(
                DeadLetters.of(reason, message, topic, partition, offset, key, value, now));
        context.forward(new Record<>(key, letter, now.toEpochMilli()), DEAD_LETTERS_SINK);
        settings.metrics().deadLetter(reason);
    }

    private String topic() {
        return settings.inputTopic();
    }

    private int partition() {
        return context.taskId().partition();
    }
}
