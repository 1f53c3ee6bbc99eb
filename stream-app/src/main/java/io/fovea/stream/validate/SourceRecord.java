package io.fovea.stream.validate;

/** An input record as it was read: where it came from, and its bytes, which a dead letter keeps. */
public record SourceRecord(String topic, int partition, long offset, byte[] key, byte[] value) {
    /** Bytes of key and value together. */
    public int length() {
        return (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
    }
}
