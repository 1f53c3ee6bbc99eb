package io.fovea.schemas.serde;

import io.fovea.avro.DeadLetterReason;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Bytes that are not a readable Fovea record. Carries the dead-letter reason code so the stream
 * app can route the record without parsing messages.
 */
public class UndecodableRecordException extends SerializationException {
    private final DeadLetterReason reason;

    public UndecodableRecordException(DeadLetterReason reason, String message) {
        this(reason, message, null);
    }

    public UndecodableRecordException(DeadLetterReason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = reason;
    }

    public DeadLetterReason reason() {
        return reason;
    }
}
