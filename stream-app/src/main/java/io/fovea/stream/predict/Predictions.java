package io.fovea.stream.predict;

import io.fovea.avro.ClassScore;
import io.fovea.avro.ImageEvent;
import io.fovea.avro.Prediction;
import io.fovea.avro.SourcePosition;
import io.fovea.stream.model.BatchResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Builds the Prediction of one image from its row of a batch's probabilities. */
public final class Predictions {
    private Predictions() {}

    public static Prediction of(
            ImageEvent event,
            BatchResult batch,
            int row,
            int topK,
            SourcePosition source,
            long queueMillis,
            Instant now) {
        INDArray probabilities = batch.probabilities().getRow(row);
        List<String> labels = batch.labels();
        List<Integer> order = IntStream.range(0, labels.size())
                .boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -probabilities.getDouble(i)))
                .limit(topK)
                .toList();
        List<ClassScore> top = new ArrayList<>(order.size());
        for (int index : order) {
            top.add(new ClassScore(index, labels.get(index), probabilities.getFloat(index)));
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
