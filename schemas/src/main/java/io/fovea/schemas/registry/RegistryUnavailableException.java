package io.fovea.schemas.registry;

/** The registry did not answer, or answered that it cannot now (5xx, 429): worth asking again later. */
public class RegistryUnavailableException extends RuntimeException {
    public RegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
