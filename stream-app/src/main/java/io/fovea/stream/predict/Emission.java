package io.fovea.stream.predict;

import io.fovea.avro.DeadLetterReason;
import io.fovea.avro.Prediction;
import io.fovea.avro.SourcePosition;
import io.fovea.stream.limits.SizeBudget;
import io.fovea.stream.metrics.StreamMetrics;
import io.fovea.stream.model.BatchResult;
import io.fovea.stream.model.CanaryGuard;
import io.fovea.stream.model.InferenceWorker;
import io.fovea.stream.validate.SourceRecord;
import java.time.Instant;
import java.util.IdentityHashMap;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The one way a record leaves: each image of a finished batch becomes its served prediction or a
 * dead letter (INFERENCE_FAILED, NON_FINITE_OUTPUT, OUTPUT_TOO_LARGE), the shadow's predictions go
 * apart ({@link ShadowEmission}), and refused inputs become dead letters. Every record is sized
 * against its topic in the {@link SizeBudget} before it is forwarded, so nothing forwarded can
 * fail the transaction for its size.
 */
public final class Emission {
    private final Sink sink;
    private final int topK;
    private final SizeBudget budget;
    private final StreamMetrics metrics;
    private final CanaryGuard guard;
    private final ShadowEmission shadows;
    private final OutputEncoding encoding;

    public Emission(Sink sink, int topK, SizeBudget budget, StreamMetrics metrics, CanaryGuard guard) {
        this(sink, topK, budget, metrics, guard, OutputEncoding.SINGLE_OBJECT);
    }

    public Emission(
            Sink sink, int topK, SizeBudget budget, StreamMetrics metrics, CanaryGuard guard, OutputEncoding encoding) {
        this.encoding = encoding;
        this.sink = sink;
        this.topK = topK;
        this.budget = budget;
        this.metrics = metrics;
        this.guard = guard;
        this.shadows = new ShadowEmission(sink, topK, budget, metrics, encoding.shadowPredictions());
    }

    /** Emits, in input order, a prediction or a dead letter for every image, then the shadow's predictions. */
    public void emit(SubmittedBatch closed) {
        Map<SubmittedBatch.Part, BatchResult> results = new IdentityHashMap<>();
        Map<SubmittedBatch.Part, String> failures = new IdentityHashMap<>();
        for (SubmittedBatch.Part part : closed.parts()) {
            if (part != closed.shadow()) {
                try {
                    results.put(part, InferenceWorker.await(part.result()));
                } catch (InferenceWorker.InferenceException e) {
                    failures.put(part, e.getMessage());
                }
            }
        }
        Instant now = Instant.now();
        Prediction[] served = new Prediction[closed.images().size()];
        for (int i = 0; i < served.length; i++) {
            SubmittedBatch.Image image = closed.images().get(i);
            SubmittedBatch.Part part = closed.servedBy(i);
            BatchResult result = results.get(part); // null when the part's forward pass failed
            String nonFinite = result == null ? null : Predictions.nonFinite(result, closed.placeInPart(i));
            if (result == null) {
                deadLetter(DeadLetterReason.INFERENCE_FAILED, failures.get(part), image.source());
            } else if (nonFinite != null) {
                metrics.nonFiniteOutput(result.modelName(), result.modelVersion());
                deadLetter(DeadLetterReason.NON_FINITE_OUTPUT, nonFinite, image.source());
            } else {
                served[i] = serve(image, result, closed.placeInPart(i), closed.closedNanos(), now);
            }
        }
        if (closed.shadow() != null) {
            shadows.emit(closed, served, now);
        }
    }

    /** Emits one image's prediction, or dead-letters it when it is too large to emit; null then. */
    private Prediction serve(SubmittedBatch.Image image, BatchResult result, int row, long closedNanos, Instant now) {
        long queueNanos = closedNanos + result.queueNanos() - image.arrivalNanos();
        metrics.queueWait(queueNanos);
        SourceRecord source = image.source();
        Prediction prediction = Predictions.of(
                image.event(),
                result,
                row,
                topK,
                new SourcePosition(source.topic(), source.partition(), source.offset()),
                queueNanos / 1_000_000,
                now);
        Record<byte[], byte[]> record = Predictions.record(prediction, source.headers(), now, encoding.predictions());
        if (!budget.predictions().fits(record.key(), record.value(), source.headers())) {
            // Its id and attributes are copied into the prediction: too many for the output topic.
            deadLetter(
                    DeadLetterReason.OUTPUT_TOO_LARGE,
                    "its prediction of " + (record.key().length + record.value().length)
                            + " bytes of key and value does not fit " + budget.predictions(),
                    source);
            return null;
        }
        sink.forward(Sink.Output.PREDICTIONS, record);
        Integer truth = prediction.getTrueLabel();
        Boolean correct = truth == null ? null : truth == prediction.getLabelIndex();
        metrics.predicted(
                result.modelName(),
                result.modelVersion(),
                now.toEpochMilli() - prediction.getEventTime().toEpochMilli(),
                correct);
        metrics.trials().served(result.modelName(), result.modelVersion());
        if (correct != null) {
            guard.observe(result.modelVersion(), correct);
        }
        return prediction;
    }

    /** Emits the dead letter of a record, cut short if the dead-letter topic cannot take it whole. */
    public void deadLetter(DeadLetterReason reason, String message, SourceRecord source) {
        Instant now = Instant.now();
        DeadLetters.Letter letter =
                DeadLetters.fitted(reason, message, source, now, budget.deadLetters(), encoding.deadLetters());
        sink.forward(
                Sink.Output.DEAD_LETTERS,
                new Record<>(letter.key(), letter.value(), now.toEpochMilli(), new RecordHeaders(letter.headers())));
        metrics.deadLetter(reason, letter.truncated());
    }
}
