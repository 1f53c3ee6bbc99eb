package io.fovea.schemas.serde;

import io.fovea.avro.DeadLetter;
import io.fovea.avro.ImageEvent;
import io.fovea.avro.ModelRelease;
import io.fovea.avro.Prediction;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for one Fovea record type in Avro single-object encoding: no schema registry needed.
 *
 * <p>A null value (a tombstone) deserializes to null, as Kafka's serde contract asks; anything
 * else that is not a valid record of this type throws {@link UndecodableRecordException}.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {
    private final SingleObjectCodec<T> codec;

    public AvroSerde(SingleObjectCodec<T> codec) {
        this.codec = codec;
    }

    public static Serde<ImageEvent> imageEvents() {
        return of(FoveaRecords.IMAGE_EVENT);
    }

    public static Serde<Prediction> predictions() {
        return of(FoveaRecords.PREDICTION);
    }

    public static Serde<DeadLetter> deadLetters() {
        return of(FoveaRecords.DEAD_LETTER);
    }

    public static Serde<ModelRelease> modelReleases() {
        return of(FoveaRecords.MODEL_RELEASE);
    }

    public static <T extends SpecificRecord> Serde<T> of(SingleObjectCodec<T> codec) {
        return new AvroSerde<>(codec);
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, data) -> data == null ? null : codec.encode(data);
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, data) -> data == null ? null : codec.decode(data);
    }
}
