package io.fovea.schemas.registry;

/** The registry answered and said no (an unknown id, an incompatible schema, no permission): asking again will not help. */
public class RegistryRefusalException extends RuntimeException {
    private final int status;
    private final int errorCode;

    public RegistryRefusalException(String message, int status, int errorCode) {
        super(message);
        this.status = status;
        this.errorCode = errorCode;
    }

    public int status() {
        return status;
    }

    /** The registry's own code (Confluent's: 40403 schema not found, 409 incompatible...), or 0. */
    public int errorCode() {
        return errorCode;
    }

    /** True when the id or subject asked for does not exist. */
    public boolean notFound() {
        return status == 404;
    }
}
