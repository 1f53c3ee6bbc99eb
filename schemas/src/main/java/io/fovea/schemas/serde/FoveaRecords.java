package io.fovea.schemas.serde;

import io.fovea.avro.DeadLetter;
import io.fovea.avro.DeadLetterReason;
import io.fovea.avro.ImageEvent;
import io.fovea.avro.ModelRelease;
import io.fovea.avro.Prediction;
import io.fovea.avro.StoreEntry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/** The codecs of every Fovea record type, and decoding of a record whose type is known only by its fingerprint. */
public final class FoveaRecords {
    public static final SingleObjectCodec<ImageEvent> IMAGE_EVENT =
            new SingleObjectCodec<>(ImageEvent.class, ImageEvent.getClassSchema());
    public static final SingleObjectCodec<Prediction> PREDICTION =
            new SingleObjectCodec<>(Prediction.class, Prediction.getClassSchema());
    public static final SingleObjectCodec<DeadLetter> DEAD_LETTER = new SingleObjectCodec<>(
            DeadLetter.class,
            DeadLetter.getClassSchema(),
            earlier("DeadLetter-1.avsc", "DeadLetter-2.avsc", "DeadLetter-3.avsc"));
    public static final SingleObjectCodec<ModelRelease> MODEL_RELEASE = new SingleObjectCodec<>(
            ModelRelease.class, ModelRelease.getClassSchema(), earlier("ModelRelease-1.avsc", "ModelRelease-2.avsc"));

    public static final SingleObjectCodec<StoreEntry> STORE_ENTRY =
            new SingleObjectCodec<>(StoreEntry.class, StoreEntry.getClassSchema());

    public static final List<SingleObjectCodec<?>> ALL =
            List.of(IMAGE_EVENT, PREDICTION, DEAD_LETTER, MODEL_RELEASE, STORE_ENTRY);

    private FoveaRecords() {}

    /** The name of the Fovea schema with this fingerprint, if any. */
    public static Optional<String> nameOf(long fingerprint) {
        return codecFor(fingerprint).map(codec -> codec.schema().getName());
    }

    /** Decodes any Fovea record, choosing the schema by the fingerprint in its header. */
    public static SpecificRecord decodeAny(byte[] data) {
        if (data == null
                || data.length < SingleObjectEncoding.HEADER_LENGTH
                || data[0] != SingleObjectEncoding.MAGIC_0
                || data[1] != SingleObjectEncoding.MAGIC_1) {
            // Let a codec produce the precise header error.
            return IMAGE_EVENT.decode(data);
        }
        long fingerprint = SingleObjectEncoding.readFingerprint(data);
        return codecFor(fingerprint)
                .map(codec -> (SpecificRecord) codec.decode(data))
                .orElseThrow(() -> new UndecodableRecordException(
                        DeadLetterReason.UNKNOWN_SCHEMA_FINGERPRINT,
                        "unknown schema fingerprint " + SingleObjectEncoding.wireHex(fingerprint)
                                + ": not one of ImageEvent, Prediction, DeadLetter, ModelRelease, StoreEntry"));
    }

    private static Optional<SingleObjectCodec<?>> codecFor(long fingerprint) {
        return ALL.stream().filter(codec -> codec.reads(fingerprint)).findFirst();
    }

    /** Earlier versions of a schema, shipped in the jar under avro/history. */
    private static List<Schema> earlier(String... files) {
        return Arrays.stream(files)
                .map(file -> {
                    try (InputStream in = FoveaRecords.class.getResourceAsStream("/avro/history/" + file)) {
                        if (in == null) {
                            throw new IllegalStateException("schema history file missing from the jar: " + file);
                        }
                        return new Schema.Parser().parse(in);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                })
                .toList();
    }
}
