package io.fovea.stream.predict;

import io.fovea.avro.Prediction;
import io.fovea.stream.limits.SizeBudget;
import io.fovea.stream.metrics.StreamMetrics;
import io.fovea.stream.metrics.TrialMetrics;
import io.fovea.stream.model.BatchResult;
import io.fovea.stream.model.InferenceWorker;
import java.time.Instant;
import java.util.function.Function;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Emits a batch's shadow predictions to the shadow topic (never to the one that serves), in the
 * same transaction as the served ones, and compares each with the prediction served for the same
 * image. A shadow prediction that cannot be made or emitted is counted and skipped, not
 * dead-lettered: its image was served, and the shadow is only a measurement.
 */
final class ShadowEmission {
    private static final Logger LOG = LoggerFactory.getLogger(ShadowEmission.class);

    private final Sink sink;
    private final int topK;
    private final SizeBudget budget;
    private final StreamMetrics metrics;
    private final Function<Prediction, byte[]> encoder;

    ShadowEmission(
            Sink sink, int topK, SizeBudget budget, StreamMetrics metrics, Function<Prediction, byte[]> encoder) {
        this.encoder = encoder;
        this.sink = sink;
        this.topK = topK;
        this.budget = budget;
        this.metrics = metrics;
    }

    /** @param served each row's served prediction, null where the row was dead-lettered */
    void emit(SubmittedBatch closed, Prediction[] served, Instant now) {
        SubmittedBatch.Part part = closed.shadow();
        TrialMetrics trials = metrics.trials();
        BatchResult result;
        try {
            result = InferenceWorker.await(part.result());
        } catch (InferenceWorker.InferenceException e) {
            boolean ended = e.getCause() instanceof InferenceWorker.NoShadowException;
            if (!ended) {
                LOG.warn("The shadow failed on {} images: {}", part.rows().length, e.getMessage());
            }
            for (int i = 0; i < part.rows().length; i++) {
                trials.shadowSkipped(ended ? "ended" : "failed");
            }
            return;
        }
        for (int j = 0; j < part.rows().length; j++) {
            int row = part.rows()[j];
            emitRow(closed.images().get(row), served[row], result, j, now, trials);
        }
    }

    /** The shadow's prediction for one image beside the served one (row {@code j} of the shadow's result), or the reason it is skipped. */
    private void emitRow(
            SubmittedBatch.Image image,
            Prediction servedPrediction,
            BatchResult result,
            int j,
            Instant now,
            TrialMetrics trials) {
        if (servedPrediction == null) {
            trials.shadowSkipped("not_served");
            return;
        }
        if (Predictions.nonFinite(result, j) != null) {
            metrics.nonFiniteOutput(result.modelName(), result.modelVersion());
            trials.shadowSkipped("non_finite");
            return;
        }
        Prediction shadow = Predictions.of(
                image.event(), result, j, topK, servedPrediction.getSource(), servedPrediction.getQueueMillis(), now);
        Record<byte[], byte[]> record =
                Predictions.record(shadow, image.source().headers(), now, encoder);
        if (!budget.shadowPredictions()
                .fits(record.key(), record.value(), image.source().headers())) {
            trials.shadowSkipped("too_large");
            return;
        }
        sink.forward(Sink.Output.SHADOW_PREDICTIONS, record);
        Integer truth = shadow.getTrueLabel();
        trials.shadowPredicted(
                result.modelName(),
                servedPrediction.getModelVersion(),
                result.modelVersion(),
                shadow.getLabelIndex() == servedPrediction.getLabelIndex(),
                truth == null ? null : truth == servedPrediction.getLabelIndex(),
                truth == null ? null : truth == shadow.getLabelIndex());
    }
}
