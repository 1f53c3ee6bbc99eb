package io.fovea.core.image;

import io.fovea.avro.DeadLetterReason;

/** An image that cannot be decoded, with the dead-letter reason the stream app reports. */
public class InvalidImageException extends RuntimeException {
    private final DeadLetterReason reason;

    public InvalidImageException(DeadLetterReason reason, String message) {
        this(reason, message, null);
    }

    public InvalidImageException(DeadLetterReason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public DeadLetterReason reason() {
        return reason;
    }
}
