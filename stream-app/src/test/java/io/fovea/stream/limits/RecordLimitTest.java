package io.fovea.stream.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.internal.AbstractRecords;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;

class RecordLimitTest {

    @Test
    void aRecordIsMeasuredExactlyAsTheProducerMeasuresItBeforeSending() {
        int[] sizes = {0, 1, 63, 64, 127, 128, 8191, 8192, 16383, 16384, 1_048_300, 1_048_480};
        for (int key : new int[] {-1, 0, 8, 300}) {
            for (int value : sizes) {
                int producer = AbstractRecords.estimateSizeInBytesUpperBound(
                        RecordBatch.CURRENT_MAGIC_VALUE,
                        CompressionType.NONE,
                        key < 0 ? null : new byte[key],
                        new byte[value],
                        new Header[0]);
                assertEquals(producer, RecordLimit.recordSize(key, value), "key " + key + ", value " + value);
            }
        }
    }

    @Test
    void headersAreMeasuredAsTheProducerMeasuresThemToo() {
        Header[][] sets = {
            {new RecordHeader("traceparent", new byte[55])},
            {
                new RecordHeader("a", null),
                new RecordHeader("tenant", "acme".getBytes()),
                new RecordHeader("blob", new byte[20_000])
            }
        };
        for (Header[] headers : sets) {
            for (int value : new int[] {0, 3166, 1_048_000}) {
                int producer = AbstractRecords.estimateSizeInBytesUpperBound(
                        RecordBatch.CURRENT_MAGIC_VALUE, CompressionType.NONE, new byte[26], new byte[value], headers);
                assertEquals(
                        producer,
                        RecordLimit.recordSize(26, value, headers),
                        headers.length + " headers, value " + value);
            }
        }
    }

    @Test
    void theLargestValueFitsAndOneByteMoreDoesNot() {
        RecordLimit limit = new RecordLimit("t", 1_048_588, 1_048_576);
        assertEquals(1_048_576, limit.bytes(), "the smaller of the two limits");
        for (int key : new int[] {-1, 0, 36, 5000}) {
            int largest = limit.largestValue(key);
            assertTrue(limit.fits(key, largest));
            assertFalse(limit.fits(key, largest + 1));
        }
        RecordLimit topicBound = new RecordLimit("t", 200_000, 1_048_576);
        assertEquals(200_000, topicBound.bytes());
        assertFalse(topicBound.fits(0, topicBound.largestValue(0) + 1));
    }
}
