package io.fovea.stream.predict;

import io.fovea.avro.DeadLetter;
import io.fovea.avro.Prediction;
import io.fovea.schemas.serde.FoveaRecords;
import io.fovea.schemas.serde.RegistryFramedCodec;
import java.util.function.Function;

/**
 * How predictions, shadow predictions and dead letters are written ({@code output.format}):
 * Avro single-object encoding, or the schema-registry framing under the ids their schemas have in
 * the registry (resolved once, at start, by {@link RegistryOutput}).
 */
public record OutputEncoding(
        Function<Prediction, byte[]> predictions,
        Function<Prediction, byte[]> shadowPredictions,
        Function<DeadLetter, byte[]> deadLetters) {
    public static final OutputEncoding SINGLE_OBJECT = new OutputEncoding(
            FoveaRecords.PREDICTION::encode, FoveaRecords.PREDICTION::encode, FoveaRecords.DEAD_LETTER::encode);

    private static final RegistryFramedCodec<Prediction> PREDICTION =
            new RegistryFramedCodec<>(FoveaRecords.PREDICTION);
    private static final RegistryFramedCodec<DeadLetter> DEAD_LETTER =
            new RegistryFramedCodec<>(FoveaRecords.DEAD_LETTER);

    /** Registry-framed, under the ids Prediction and DeadLetter have for each output topic. */
    public static OutputEncoding registry(int predictionId, int shadowPredictionId, int deadLetterId) {
        return new OutputEncoding(
                p -> PREDICTION.encode(p, predictionId),
                p -> PREDICTION.encode(p, shadowPredictionId),
                d -> DEAD_LETTER.encode(d, deadLetterId));
    }
}
