package io.fovea.stream.batch;

import io.fovea.stream.limits.SizeBudget;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * The held copy of an input in the pending-images changelog: key, value and headers, each after
 * its length. A copy without headers keeps the layout held copies had before headers were kept
 * (key length, key, value length, value), so copies already in a changelog still read; a copy
 * with headers starts with {@value #WITH_HEADERS}, which no key length can be.
 */
public final class HeldCopy {
    private static final int WITH_HEADERS = -2;
    private static final Header[] NONE = new Header[0];

    /** A held copy, read back. */
    public record Parts(byte[] key, byte[] value, Header[] headers) {}

    private HeldCopy() {}

    /** Bytes of the held copy of this input. */
    public static int size(byte[] key, byte[] value, Header[] headers) {
        int size = SizeBudget.HELD_ENVELOPE_BYTES + length(key) + length(value);
        if (headers.length > 0) {
            size += 2 * Integer.BYTES;
            for (Header header : headers) {
                size += 2 * Integer.BYTES + name(header).length + length(header.value());
            }
        }
        return size;
    }

    public static byte[] encode(byte[] key, byte[] value, Header[] headers) {
        ByteBuffer buffer = ByteBuffer.allocate(size(key, value, headers));
        if (headers.length > 0) {
            buffer.putInt(WITH_HEADERS).putInt(headers.length);
            for (Header header : headers) {
                putChunk(buffer, name(header));
                putChunk(buffer, header.value());
            }
        }
        putChunk(buffer, key);
        putChunk(buffer, value);
        return buffer.array();
    }

    /**
     * Reads a held copy back. The changelog is a topic like any other, so its lengths are checked
     * against the bytes left before anything is allocated.
     *
     * @throws IllegalArgumentException when the bytes are not a held copy
     */
    public static Parts decode(byte[] bytes) {
        try {
            return read(ByteBuffer.wrap(bytes));
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("a held copy of " + bytes.length + " bytes ends early", e);
        }
    }

    private static Parts read(ByteBuffer buffer) {
        Header[] headers = NONE;
        if (buffer.remaining() >= Integer.BYTES && buffer.getInt(0) == WITH_HEADERS) {
            buffer.getInt();
            // every header takes at least its two lengths
            int count = checked(buffer.getInt(), buffer.remaining() / (2 * Integer.BYTES), "header count");
            List<Header> read = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                read.add(new RecordHeader(new String(readChunk(buffer), StandardCharsets.UTF_8), readChunk(buffer)));
            }
            headers = read.toArray(NONE);
        }
        byte[] key = readChunk(buffer);
        return new Parts(key, readChunk(buffer), headers);
    }

    private static int checked(int declared, int most, String what) {
        if (declared < 0 || declared > most) {
            throw new IllegalArgumentException(
                    "a held copy declares a " + what + " of " + declared + " where at most " + most + " fit");
        }
        return declared;
    }

    private static byte[] name(Header header) {
        return header.key().getBytes(StandardCharsets.UTF_8);
    }

    private static int length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }

    private static void putChunk(ByteBuffer buffer, byte[] bytes) {
        buffer.putInt(bytes == null ? -1 : bytes.length);
        if (bytes != null) {
            buffer.put(bytes);
        }
    }

    private static byte[] readChunk(ByteBuffer buffer) {
        int length = buffer.getInt();
        if (length == -1) {
            return null;
        }
        byte[] bytes = new byte[checked(length, buffer.remaining(), "length")];
        buffer.get(bytes);
        return bytes;
    }
}
