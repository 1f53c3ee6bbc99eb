package io.fovea.core.store;

/**
 * The store could not be reached, or answered with a server error or throttling, after its own
 * retries: nothing is known to be wrong with the model, so a caller that can wait tries again.
 */
public class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
