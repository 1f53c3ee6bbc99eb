package io.fovea.stream.limits;

/**
 * What each record of the app may weigh, worked out once at start from the cluster's limits
 * ({@link ClusterLimits}): an input is accepted only if its held copy fits the changelog of
 * pending images, so that nothing accepted can later fail to be written; predictions, shadow
 * predictions and dead letters are measured against their own topics before they are forwarded.
 *
 * @param maxPayloadBytes the largest input value accepted: {@code max.payload.bytes}, or what the
 *     changelog can hold when that is {@code auto}
 */
public record SizeBudget(
        RecordLimit changelog,
        RecordLimit predictions,
        RecordLimit shadowPredictions,
        RecordLimit deadLetters,
        int maxPayloadBytes) {
    /** Changelog key: the input offset, a long. */
    public static final int HELD_KEY_BYTES = Long.BYTES;
    /** The held copy of an input without headers is its key and value, each after its int length. */
    public static final int HELD_ENVELOPE_BYTES = 2 * Integer.BYTES;
    /** Smallest dead letter every dead-letter topic must take: a refusal with its bytes cut to nothing. */
    public static final int MIN_DEAD_LETTER_BYTES = 4096;

    /** Checks that the settings can work together; {@code configuredPayload} is null for {@code auto}. */
    public static SizeBudget of(
            RecordLimit changelog,
            RecordLimit predictions,
            RecordLimit shadowPredictions,
            RecordLimit deadLetters,
            Long configuredPayload,
            String payloadKey) {
        int heldCapacity = largestHeld(changelog);
        if (configuredPayload != null && configuredPayload > heldCapacity) {
            throw new IllegalArgumentException(payloadKey + "=" + configuredPayload + " is more than the changelog of "
                    + "pending images can hold: " + heldCapacity + " bytes of key and value, as " + changelog
                    + " allows. Lower " + payloadKey + " (or set it to auto), or raise both limits.");
        }
        if (deadLetters.bytes() < MIN_DEAD_LETTER_BYTES) {
            throw new IllegalArgumentException(
                    "the dead-letter topic takes records up to " + deadLetters + ", less than " + MIN_DEAD_LETTER_BYTES
                            + " bytes, the least a dead letter needs. Raise the topic's max.message.bytes.");
        }
        int payload = configuredPayload == null ? heldCapacity : Math.toIntExact(configuredPayload);
        return new SizeBudget(changelog, predictions, shadowPredictions, deadLetters, payload);
    }

    /** Kafka's default limits: broker {@code message.max.bytes} and producer {@code max.request.size}. */
    public static final int KAFKA_DEFAULT_MESSAGE_MAX_BYTES = 1_048_588;

    public static final int KAFKA_DEFAULT_MAX_REQUEST_SIZE = 1_048_576;

    /** The budget of an untouched cluster, for tools and tests that have no cluster to ask. */
    public static SizeBudget atKafkaDefaults() {
        RecordLimit limit =
                new RecordLimit("kafka-defaults", KAFKA_DEFAULT_MESSAGE_MAX_BYTES, KAFKA_DEFAULT_MAX_REQUEST_SIZE);
        return of(limit, limit, limit, limit, null, "max.payload.bytes");
    }

    /** The most key and value bytes, together, whose held copy the changelog takes. */
    public static int largestHeld(RecordLimit changelog) {
        return Math.max(0, changelog.largestValue(HELD_KEY_BYTES) - HELD_ENVELOPE_BYTES);
    }

    /** True when a held copy of this many bytes fits the changelog. */
    public boolean holds(int heldCopyBytes) {
        return changelog.fits(HELD_KEY_BYTES, heldCopyBytes);
    }

    /** One line for the start-up log. */
    public String describe() {
        return "inputs up to " + maxPayloadBytes + " bytes (held copies: " + changelog + "); predictions up to "
                + predictions + "; shadow predictions up to " + shadowPredictions + "; dead letters up to "
                + deadLetters + ", larger originals cut short";
    }
}
