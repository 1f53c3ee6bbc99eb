package io.fovea.testing;

import io.fovea.avro.ClassScore;
import io.fovea.avro.Prediction;
import io.fovea.avro.SourcePosition;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Predictions as a pipeline writes them, for tests of what reads them downstream. */
public final class TestPredictions {
    private TestPredictions() {}

    /**
     * A prediction of class {@code predicted} (named {@code class<N>}) for an image whose label was
     * {@code truth} (null: it came without one).
     */
    public static Prediction scored(String id, int predicted, Integer truth) {
        return Prediction.newBuilder()
                .setId(id)
                .setLabel("class" + predicted)
                .setLabelIndex(predicted)
                .setConfidence(0.9f)
                .setTopK(List.of(new ClassScore(predicted, "class" + predicted, 0.9f)))
                .setModelName("m")
                .setModelVersion(1)
                .setEventTime(Instant.EPOCH)
                .setPredictionTime(Instant.EPOCH)
                .setBatchSize(8)
                .setQueueMillis(1)
                .setInferenceMillis(2.0)
                .setSource(new SourcePosition("in", 0, 0L))
                .setTrueLabel(truth)
                .setAttributes(Map.of())
                .build();
    }
}
