package io.fovea.schemas.serde;

import org.apache.avro.AvroRuntimeException;

/**
 * A length or item count that does not fit in what is left of the record, found before anything
 * was allocated for it. Carries the path of the field it was read for, filled in as the error
 * leaves each record ({@link #within}).
 */
final class DeclaredLengthException extends AvroRuntimeException {
    private final String declared;
    private final int remaining;
    private final boolean malformed;
    private final String path;

    DeclaredLengthException(String declared, int remaining, boolean malformed) {
        this(declared, remaining, malformed, "");
    }

    private DeclaredLengthException(String declared, int remaining, boolean malformed, String path) {
        super((path.isEmpty() ? "" : "field " + path + " declares ") + declared + ", but " + remaining
                + " bytes are left in the record");
        this.declared = declared;
        this.remaining = remaining;
        this.malformed = malformed;
        this.path = path;
    }

    /** The same error, as seen from the record that holds {@code field}. */
    DeclaredLengthException within(String field) {
        return new DeclaredLengthException(declared, remaining, malformed, path.isEmpty() ? field : field + "." + path);
    }

    /** True when no record within the limits could declare this: a lie, not a record cut short. */
    boolean malformed() {
        return malformed;
    }
}
