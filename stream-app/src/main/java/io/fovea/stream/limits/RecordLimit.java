package io.fovea.stream.limits;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.internal.DefaultRecord;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;

/**
 * The largest record one topic takes from this process: the smaller of the topic's
 * {@code max.message.bytes} and the producer's {@code max.request.size}. A record is measured as
 * the producer measures it before sending (a batch of its own, varints at their widest), so a
 * record that {@link #fits} is refused by neither the producer nor the broker.
 */
public record RecordLimit(String topic, int maxMessageBytes, int maxRequestSize) {
    private static final Header[] NO_HEADERS = new Header[0];

    /** Bytes a record may weigh on this topic. */
    public int bytes() {
        return Math.min(maxMessageBytes, maxRequestSize);
    }

    public boolean fits(int keyLength, int valueLength) {
        return recordSize(keyLength, valueLength) <= bytes();
    }

    public boolean fits(byte[] key, byte[] value) {
        return fits(lengthOf(key), lengthOf(value));
    }

    public boolean fits(byte[] key, byte[] value, Header[] headers) {
        return recordSize(lengthOf(key), lengthOf(value), headers) <= bytes();
    }

    /** How many bytes over the limit such a record is (0 when it fits). */
    public int excess(byte[] key, byte[] value, Header[] headers) {
        return Math.max(0, recordSize(lengthOf(key), lengthOf(value), headers) - bytes());
    }

    /** The largest value (with a key of {@code keyLength} bytes) that fits; -1 when none does. */
    public int largestValue(int keyLength) {
        int low = -1;
        int high = bytes();
        while (low < high) {
            int mid = (int) (((long) low + high + 1) / 2);
            if (fits(keyLength, mid)) {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        return low;
    }

    /**
     * Kafka's upper bound of a record alone in a batch, with no headers: what
     * {@code KafkaProducer.send} checks against {@code max.request.size}.
     *
     * @param keyLength -1 for a null key; likewise the value
     */
    public static int recordSize(int keyLength, int valueLength) {
        return recordSize(keyLength, valueLength, NO_HEADERS);
    }

    /** The same, with headers. */
    public static int recordSize(int keyLength, int valueLength, Header[] headers) {
        // The producer counts a record's fixed fields at their widest (DefaultRecord.MAX_RECORD_OVERHEAD,
        // 21 bytes) where a body with zero deltas has 3 one-byte fields: 18 more.
        return DefaultRecordBatch.RECORD_BATCH_OVERHEAD
                + 18
                + DefaultRecord.sizeOfBodyInBytes(0, 0L, keyLength, valueLength, headers);
    }

    static int lengthOf(byte[] bytes) {
        return bytes == null ? -1 : bytes.length;
    }

    @Override
    public String toString() {
        return bytes() + " bytes (" + topic + " max.message.bytes=" + maxMessageBytes + ", producer max.request.size="
                + maxRequestSize + ")";
    }
}
