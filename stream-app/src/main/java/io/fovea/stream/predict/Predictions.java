package io.fovea.stream.predict;

import io.fovea.avro.ClassScore;
import io.fovea.avro.ImageEvent;
import io.fovea.avro.Prediction;
import io.fovea.avro.SourcePosition;
import io.fovea.stream.model.BatchResult;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;

/** Builds the Prediction of one image from its row of a batch's probabilities. */
public final class Predictions {
    private Predictions() {}

    /**
     * A row with NaN or an infinity has no ranking to report: sorting it would name an arbitrary
     * label with a meaningless confidence, so its image is dead-lettered instead.
     *
     * @return null when every probability of the row is finite, else the first that is not, for a human
     */
    /**
     * The record a prediction leaves as: keyed by its id, with every header of its input (a W3C
     * traceparent, say) carried on.
     */
    static Record<byte[], byte[]> record(
            Prediction prediction, Header[] inputHeaders, Instant now, Function<Prediction, byte[]> encoder) {
        return new Record<>(
                prediction.getId().getBytes(StandardCharsets.UTF_8),
                encoder.apply(prediction),
                now.toEpochMilli(),
                new RecordHeaders(inputHeaders));
    }

    public static String nonFinite(BatchResult batch, int row) {
        float[] probabilities = batch.probabilities().row(row); // one copy for the many reads
        for (int i = 0; i < probabilities.length; i++) {
            double p = probabilities[i];
            if (!Double.isFinite(p)) {
                return batch.modelName() + "@" + batch.modelVersion() + " gave " + p + " as the probability of "
                        + batch.labels().get(i) + " (class " + i + ")";
            }
        }
        return null;
    }

    public static Prediction of(
            ImageEvent event,
            BatchResult batch,
            int row,
            int topK,
            SourcePosition source,
            long queueMillis,
            Instant now) {
        float[] probabilities = batch.probabilities().row(row); // one copy for the many reads
        List<String> labels = batch.labels();
        List<Integer> order = IntStream.range(0, labels.size())
                .boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -probabilities[i]))
                .limit(topK)
                .toList();
        List<ClassScore> top = new ArrayList<>(order.size());
        for (int index : order) {
            top.add(new ClassScore(index, labels.get(index), probabilities[index]));
        }
        ClassScore best = top.get(0);
        return Prediction.newBuilder()
                .setId(event.getId())
                .setLabel(best.getLabel())
                .setLabelIndex(best.getLabelIndex())
                .setConfidence(best.getProbability())
                .setTopK(top)
                .setModelName(batch.modelName())
                .setModelVersion(batch.modelVersion())
                .setEventTime(event.getEventTime())
                .setPredictionTime(now)
                .setBatchSize(batch.batchSize(row))
                .setQueueMillis(queueMillis)
                .setInferenceMillis(batch.inferenceNanos(row) / 1e6)
                .setSource(source)
                .setTrueLabel(event.getLabel())
                .setAttributes(event.getAttributes())
                .build();
    }
}
