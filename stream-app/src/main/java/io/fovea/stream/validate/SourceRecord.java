package io.fovea.stream.validate;

import org.apache.kafka.common.header.Header;

/** An input record as it was read: where it came from, and its bytes and headers, which a dead letter keeps. */
public record SourceRecord(String topic, int partition, long offset, byte[] key, byte[] value, Header[] headers) {
    private static final Header[] NONE = new Header[0];

    public SourceRecord {
        headers = headers == null ? NONE : headers;
    }

    /** A record without headers. */
    public SourceRecord(String topic, int partition, long offset, byte[] key, byte[] value) {
        this(topic, partition, offset, key, value, NONE);
    }

    /** Bytes of key and value together. */
    public int length() {
        return (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
    }
}
