package io.fovea.stream.predict;

import io.fovea.avro.DeadLetter;
import io.fovea.avro.DeadLetterReason;
import io.fovea.schemas.serde.FoveaRecords;
import io.fovea.stream.limits.RecordLimit;
import io.fovea.stream.validate.SourceRecord;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.function.Function;
import org.apache.kafka.common.header.Header;

/**
 * Builds the DeadLetter of a refused record, keeping its bytes for inspection and replay. A
 * letter that would not fit the dead-letter topic keeps as much of the original as fits, with
 * the original's length and SHA-256 and {@code truncated} set: a refusal never fails the task.
 */
public final class DeadLetters {
    /** Messages can quote producer-chosen text (an event id); a refusal's reason needs no more. */
    static final int MAX_MESSAGE_CHARS = 1000;
    /** A key cut short keeps this much; a longer one is no use for routing anyway. */
    static final int KEPT_KEY_BYTES = 1024;

    /** A dead letter as forwarded: record key and encoded DeadLetter. */
    public record Letter(byte[] key, byte[] value, Header[] headers, boolean truncated) {}

    private DeadLetters() {}

    public static DeadLetter of(DeadLetterReason reason, String message, SourceRecord source, Instant failedAt) {
        String text = message == null ? reason.name() : message;
        if (text.length() > MAX_MESSAGE_CHARS) {
            text = text.substring(0, MAX_MESSAGE_CHARS) + "... (" + text.length() + " characters)";
        }
        return DeadLetter.newBuilder()
                .setReason(reason)
                .setMessage(text)
                .setSourceTopic(source.topic() == null ? "" : source.topic())
                .setSourcePartition(source.partition())
                .setSourceOffset(source.offset())
                .setKey(source.key() == null ? null : ByteBuffer.wrap(source.key()))
                .setValue(source.value() == null ? null : ByteBuffer.wrap(source.value()))
                .setFailedAt(failedAt)
                .build();
    }

    /** The letter for {@code key} and {@code value}, whole when it fits {@code limit}, else cut short. */
    public static Letter fitted(
            DeadLetterReason reason, String message, SourceRecord source, Instant failedAt, RecordLimit limit) {
        return fitted(reason, message, source, failedAt, limit, FoveaRecords.DEAD_LETTER::encode);
    }

    /** As above, written by {@code encoder} (the output format). */
    public static Letter fitted(
            DeadLetterReason reason,
            String message,
            SourceRecord source,
            Instant failedAt,
            RecordLimit limit,
            Function<DeadLetter, byte[]> encoder) {
        DeadLetter letter = of(reason, message, source, failedAt);
        byte[] key = source.key();
        byte[] value = source.value();
        byte[] encoded = encoder.apply(letter);
        Header[] headers = source.headers();
        if (limit.fits(key, encoded, headers)) {
            return new Letter(key, encoded, headers, false);
        }
        letter.setTruncated(true);
        if (key != null) {
            letter.setOriginalKeyLength(key.length);
            letter.setOriginalKeySha256(sha256(key));
        }
        if (value != null) {
            letter.setOriginalValueLength(value.length);
            letter.setOriginalValueSha256(sha256(value));
        }
        byte[] keptKey = key == null || key.length <= KEPT_KEY_BYTES ? key : Arrays.copyOf(key, KEPT_KEY_BYTES);
        letter.setKey(keptKey == null ? null : ByteBuffer.wrap(keptKey));
        // The key is in the record twice (record key and field): what is left goes to the value.
        encoded = cut(letter, keptKey, value, headers, limit, encoder);
        if (encoded == null) {
            // Headers alone too large for the topic: the letter goes without them, and says so.
            letter.setMessage(letter.getMessage() + " (its " + headers.length
                    + " headers do not fit the topic and are left off)");
            headers = new Header[0];
            encoded = cut(letter, keptKey, value, headers, limit, encoder);
        }
        if (encoded == null) {
            throw new IllegalStateException("a dead letter does not fit " + limit + " even with no value");
        }
        return new Letter(keptKey, encoded, headers, true);
    }

    /** The letter with as much of {@code value} as fits beside the key and headers; null if none does. */
    private static byte[] cut(
            DeadLetter letter,
            byte[] keptKey,
            byte[] value,
            Header[] headers,
            RecordLimit limit,
            Function<DeadLetter, byte[]> encoder) {
        int keptValue = value == null ? 0 : value.length;
        byte[] encoded;
        do {
            letter.setValue(
                    value == null ? null : ByteBuffer.wrap(value, 0, keptValue).slice());
            encoded = encoder.apply(letter);
            keptValue -= Math.max(1, limit.excess(keptKey, encoded, headers));
        } while (!limit.fits(keptKey, encoded, headers) && keptValue >= 0);
        return limit.fits(keptKey, encoded, headers) ? encoded : null;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
