package io.fovea.stream.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.avro.DeadLetter;
import io.fovea.avro.DeadLetterReason;
import io.fovea.schemas.serde.FoveaRecords;
import io.fovea.stream.limits.RecordLimit;
import io.fovea.stream.validate.SourceRecord;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.Random;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;

class DeadLettersTest {
    private static final RecordLimit DEFAULTS = new RecordLimit("fovea.images.dlq", 1_048_588, 1_048_576);
    private static final Instant T = Instant.ofEpochMilli(1_700_000_000_000L);

    private static byte[] random(int length) {
        byte[] bytes = new byte[length];
        new Random(length).nextBytes(bytes);
        return bytes;
    }

    private static byte[] bytesOf(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    @Test
    void aLetterThatFitsKeepsTheOriginalWhole() {
        byte[] value = random(1000);
        DeadLetters.Letter letter = DeadLetters.fitted(
                DeadLetterReason.CORRUPT_IMAGE,
                "bad",
                new SourceRecord("in", 1, 2, "k".getBytes(), value),
                T,
                DEFAULTS);
        assertFalse(letter.truncated());
        DeadLetter decoded = FoveaRecords.DEAD_LETTER.decode(letter.value());
        assertFalse(decoded.getTruncated());
        assertArrayEquals(value, bytesOf(decoded.getValue()));
        assertNull(decoded.getOriginalValueLength());
    }

    /** A value the input topic takes (up to 1,048,588 bytes by default) cannot go whole into a dead letter. */
    @Test
    void aLetterTooLargeForTheTopicKeepsAsMuchAsFitsWithTheOriginalsLengthAndSha256() {
        byte[] key = "junk".getBytes();
        byte[] value = random(1_048_500);
        DeadLetters.Letter letter = DeadLetters.fitted(
                DeadLetterReason.NOT_SINGLE_OBJECT_AVRO,
                "not Avro",
                new SourceRecord("in", 0, 9, key, value),
                T,
                DEFAULTS);
        assertTrue(letter.truncated());
        assertTrue(DEFAULTS.fits(letter.key(), letter.value()), "fits the topic");
        assertTrue(
                DEFAULTS.excess(letter.key(), Arrays.copyOf(letter.value(), letter.value().length + 40), new Header[0])
                        > 0,
                "and keeps all but a few bytes of what would fit");
        DeadLetter decoded = FoveaRecords.DEAD_LETTER.decode(letter.value());
        assertTrue(decoded.getTruncated());
        assertEquals(1_048_500, decoded.getOriginalValueLength());
        assertEquals(DeadLetters.sha256(value), decoded.getOriginalValueSha256());
        assertEquals(4, decoded.getOriginalKeyLength());
        byte[] kept = bytesOf(decoded.getValue());
        assertArrayEquals(Arrays.copyOf(value, kept.length), kept, "the original's first bytes");
        assertArrayEquals(key, letter.key(), "a short key is kept whole");
    }

    /** The dead-letter topic's own limit: a letter exactly at it is whole, one byte more is cut. */
    @Test
    void aLetterExactlyAtTheTopicsLimitIsWholeAndOneByteMoreIsCutShort() {
        byte[] key = "k".getBytes();
        int overhead = FoveaRecords.DEAD_LETTER.encode(DeadLetters.of(
                        DeadLetterReason.CORRUPT_IMAGE, "m", new SourceRecord("in", 0, 1, key, new byte[0]), T))
                .length;
        // The value's length prefix is a varint: 3 bytes for any length near the limit.
        int atLimit = DEFAULTS.largestValue(key.length) - overhead - 2;
        DeadLetters.Letter whole = DeadLetters.fitted(
                DeadLetterReason.CORRUPT_IMAGE, "m", new SourceRecord("in", 0, 1, key, random(atLimit)), T, DEFAULTS);
        assertFalse(whole.truncated());
        assertEquals(
                DEFAULTS.bytes(), RecordLimit.recordSize(key.length, whole.value().length), "exactly at the limit");
        DeadLetters.Letter cut = DeadLetters.fitted(
                DeadLetterReason.CORRUPT_IMAGE,
                "m",
                new SourceRecord("in", 0, 1, key, random(atLimit + 1)),
                T,
                DEFAULTS);
        assertTrue(cut.truncated());
        assertTrue(DEFAULTS.fits(cut.key(), cut.value()));
    }

    @Test
    void headersTooLargeForTheTopicAreLeftOffAndTheLetterSaysSo() {
        Header[] huge = {new RecordHeader("blob", new byte[2_000_000])};
        DeadLetters.Letter letter = DeadLetters.fitted(
                DeadLetterReason.CORRUPT_IMAGE,
                "bad",
                new SourceRecord("in", 0, 1, null, random(10), huge),
                T,
                DEFAULTS);
        assertEquals(0, letter.headers().length);
        assertTrue(DEFAULTS.fits(letter.key(), letter.value(), letter.headers()));
        assertTrue(FoveaRecords.DEAD_LETTER.decode(letter.value()).getMessage().contains("1 headers do not fit"));

        Header[] small = {new RecordHeader("traceparent", new byte[55])};
        assertArrayEquals(
                small,
                DeadLetters.fitted(
                                DeadLetterReason.CORRUPT_IMAGE,
                                "bad",
                                new SourceRecord("in", 0, 1, null, random(2_000_000), small),
                                T,
                                DEFAULTS)
                        .headers(),
                "small headers stay on a letter cut short");
    }

    @Test
    void aHugeKeyIsCutShortToo() {
        byte[] key = random(2_000_000);
        DeadLetters.Letter letter = DeadLetters.fitted(
                DeadLetterReason.PAYLOAD_TOO_LARGE, "big", new SourceRecord("in", 0, 1, key, random(10)), T, DEFAULTS);
        assertTrue(letter.truncated());
        assertEquals(DeadLetters.KEPT_KEY_BYTES, letter.key().length);
        DeadLetter decoded = FoveaRecords.DEAD_LETTER.decode(letter.value());
        assertEquals(2_000_000, decoded.getOriginalKeyLength());
        assertEquals(DeadLetters.sha256(key), decoded.getOriginalKeySha256());
        assertEquals(10, bytesOf(decoded.getValue()).length, "the value fits whole beside the cut key");
    }

    @Test
    void aMessageQuotingALongIdIsCutShort() {
        DeadLetter letter = DeadLetters.of(
                DeadLetterReason.CORRUPT_IMAGE,
                "image " + "x".repeat(500_000) + ": bad",
                new SourceRecord("in", 0, 1, null, null),
                T);
        assertTrue(
                letter.getMessage().length() < DeadLetters.MAX_MESSAGE_CHARS + 40,
                "" + letter.getMessage().length());
        assertTrue(
                letter.getMessage().endsWith("(500011 characters)"),
                letter.getMessage().substring(1000));
    }
}
