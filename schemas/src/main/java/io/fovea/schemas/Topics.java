package io.fovea.schemas;

/** Default topic names. Every topic can be renamed in configuration; these are what tests and docs use. */
public final class Topics {
    /** {@link io.fovea.avro.ImageEvent}s to classify; key = event id. */
    public static final String IMAGES = "fovea.images";
    /** {@link io.fovea.avro.Prediction}s; key = event id. */
    public static final String PREDICTIONS = "fovea.predictions";
    /**
     * {@link io.fovea.avro.Prediction}s of a version under shadow, made beside the ones served and
     * never served themselves; key = event id.
     */
    public static final String SHADOW_PREDICTIONS = "fovea.predictions.shadow";
    /** {@link io.fovea.avro.DeadLetter}s for input that could not be classified; key = original key. */
    public static final String DEAD_LETTERS = "fovea.images.dlq";
    /** {@link io.fovea.avro.ModelRelease}s, compacted; key = model name, or name@version for PUBLISHED. */
    public static final String MODEL_RELEASES = "fovea.model-releases";
    /**
     * {@link io.fovea.avro.StoreEntry}s: an object store's version numbers and promotion history,
     * one partition, compacted with unique keys; key = model/sequence.
     */
    public static final String MODEL_LEDGER = "fovea.model-ledger";

    /** serve's default application.id: its consumer group, transactional ids and internal topics are named after it. */
    public static final String APPLICATION_ID = "fovea-classifier";

    private Topics() {}
}
