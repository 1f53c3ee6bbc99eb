package io.fovea.core.bundle;

/** A bundle that must not be served: missing files, a checksum that does not match, a model that does not load. */
public class BundleIntegrityException extends RuntimeException {
    public BundleIntegrityException(String message) {
        super(message);
    }

    public BundleIntegrityException(String message, Throwable cause) {
        super(message, cause);
    }
}
