package io.fovea.schemas.serde;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

/**
 * Avro's binary encoding read from one byte array, where every length and item count is checked
 * before anything is allocated for it. Avro's own {@code BinaryDecoder} allocates what a length
 * declares and only then reads, so a few bytes declaring a 2 GB string exhaust the heap.
 *
 * <p>A length must fit in the bytes left in the record, and a block of array or map items may not
 * count more items than bytes left (every item of a Fovea schema takes at least one byte). What
 * does not fit is a {@link DeclaredLengthException}; reading past the end is an {@link EOFException}.
 */
final class BoundedBinaryDecoder extends Decoder {
    private final byte[] data;
    private final int limit;
    private final long maxDeclared;
    private int pos;

    /**
     * @param maxDeclared lengths above this are malformed, not a record cut short: no accepted record holds them
     */
    BoundedBinaryDecoder(byte[] data, int offset, int length, long maxDeclared) {
        this.data = data;
        this.pos = offset;
        this.limit = offset + length;
        this.maxDeclared = maxDeclared;
    }

    boolean isEnd() {
        return pos == limit;
    }

    private int remaining() {
        return limit - pos;
    }

    private int next() throws EOFException {
        if (pos >= limit) {
            throw new EOFException("the record ends at byte " + pos);
        }
        return data[pos++] & 0xFF;
    }

    @Override
    public void readNull() {}

    @Override
    public boolean readBoolean() throws IOException {
        return next() == 1; // as Avro's BinaryDecoder reads it
    }

    @Override
    public int readInt() throws IOException {
        long value = readVarLong(5);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new AvroRuntimeException("an int of " + value + " does not fit 32 bits");
        }
        return (int) value;
    }

    @Override
    public long readLong() throws IOException {
        return readVarLong(10);
    }

    /** A zig-zag variable-length integer of at most {@code maxBytes} bytes. */
    private long readVarLong(int maxBytes) throws IOException {
        long raw = 0;
        for (int i = 0; i < maxBytes; i++) {
            int b = next();
            raw |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw new AvroRuntimeException("a variable-length integer runs over " + maxBytes + " bytes");
    }

    @Override
    public float readFloat() throws IOException {
        return Float.intBitsToFloat((int) readLittleEndian(4));
    }

    @Override
    public double readDouble() throws IOException {
        return Double.longBitsToDouble(readLittleEndian(8));
    }

    private long readLittleEndian(int bytes) throws IOException {
        if (remaining() < bytes) {
            throw new EOFException("a " + bytes + "-byte number needs more than the " + remaining() + " bytes left");
        }
        long value = 0;
        for (int i = 0; i < bytes; i++) {
            value |= (long) (data[pos++] & 0xFF) << (8 * i);
        }
        return value;
    }

    @Override
    public Utf8 readString(Utf8 old) throws IOException {
        int length = declaredLength("a string");
        Utf8 result = old != null ? old : new Utf8();
        result.setByteLength(length);
        System.arraycopy(data, take(length), result.getBytes(), 0, length);
        return result;
    }

    @Override
    public String readString() throws IOException {
        int length = declaredLength("a string");
        return new String(data, take(length), length, StandardCharsets.UTF_8);
    }

    @Override
    public void skipString() throws IOException {
        take(declaredLength("a string"));
    }

    @Override
    public ByteBuffer readBytes(ByteBuffer old) throws IOException {
        int length = declaredLength("bytes");
        byte[] copy = new byte[length];
        System.arraycopy(data, take(length), copy, 0, length);
        return ByteBuffer.wrap(copy);
    }

    @Override
    public void skipBytes() throws IOException {
        take(declaredLength("bytes"));
    }

    @Override
    public void readFixed(byte[] bytes, int start, int length) throws IOException {
        System.arraycopy(data, take(checked("a fixed", length, "bytes")), bytes, start, length);
    }

    @Override
    public void skipFixed(int length) throws IOException {
        take(checked("a fixed", length, "bytes"));
    }

    @Override
    public int readEnum() throws IOException {
        return readInt();
    }

    @Override
    public int readIndex() throws IOException {
        return readInt();
    }

    @Override
    public long readArrayStart() throws IOException {
        return itemCount("an array");
    }

    @Override
    public long arrayNext() throws IOException {
        return itemCount("an array");
    }

    @Override
    public long readMapStart() throws IOException {
        return itemCount("a map");
    }

    @Override
    public long mapNext() throws IOException {
        return itemCount("a map");
    }

    @Override
    public long skipArray() throws IOException {
        return skipItems("an array");
    }

    @Override
    public long skipMap() throws IOException {
        return skipItems("a map");
    }

    /** A block's item count; a negative count is followed by the block's size in bytes, which is not needed. */
    private long itemCount(String what) throws IOException {
        long count = readLong();
        if (count >= 0) {
            return checked(what + " block", count, "items");
        }
        // -count items, then the block's size in bytes (Long.MIN_VALUE stays negative: refused)
        long items = checked(what + " block", -count, "items");
        checked(what + " block", readLong(), "bytes");
        return items;
    }

    /** Skips blocks that say their size in bytes; returns the item count of the first block that does not. */
    private long skipItems(String what) throws IOException {
        long count = readLong();
        while (count < 0) {
            take(checked(what + " block", readLong(), "bytes"));
            count = readLong();
        }
        return checked(what + " block", count, "items");
    }

    private int declaredLength(String what) throws IOException {
        return checked(what, readLong(), "bytes");
    }

    /**
     * The length or count, once it is known to fit in what is left of the record: more than is
     * left is a record cut short, unless no accepted record could hold it.
     */
    private int checked(String what, long length, String unit) {
        if (length < 0 || length > remaining()) {
            boolean malformed = length < 0 || length > maxDeclared;
            throw new DeclaredLengthException(what + " of " + length + " " + unit, remaining(), malformed);
        }
        return (int) length;
    }

    /** Moves past {@code length} bytes already checked to be there; returns where they start. */
    private int take(int length) {
        int start = pos;
        pos += length;
        return start;
    }
}
