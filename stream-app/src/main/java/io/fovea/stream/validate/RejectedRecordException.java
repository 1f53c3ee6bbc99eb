package io.fovea.stream.validate;

import io.fovea.avro.DeadLetterReason;

/** An input record that cannot be classified, and why: it becomes a DeadLetter. */
public class RejectedRecordException extends RuntimeException {
    private final DeadLetterReason reason;

    public RejectedRecordException(DeadLetterReason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public DeadLetterReason reason() {
        return reason;
    }
}
