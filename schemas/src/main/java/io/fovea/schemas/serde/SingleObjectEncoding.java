package io.fovea.schemas.serde;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * Avro single-object encoding framing: {@code C3 01}, the 8-byte little-endian CRC-64-AVRO
 * fingerprint of the writer schema's parsing canonical form, then the Avro binary body.
 * See the Avro specification, "Single-object encoding".
 */
public final class SingleObjectEncoding {
    public static final byte MAGIC_0 = (byte) 0xC3;
    public static final byte MAGIC_1 = (byte) 0x01;
    public static final int HEADER_LENGTH = 10;

    private SingleObjectEncoding() {}

    public static long fingerprint(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }

    /** The 10 header bytes for a schema. */
    public static byte[] header(Schema schema) {
        return ByteBuffer.allocate(HEADER_LENGTH)
                .order(ByteOrder.LITTLE_ENDIAN)
                .put(MAGIC_0)
                .put(MAGIC_1)
                .putLong(fingerprint(schema))
                .array();
    }

    /** Reads the fingerprint from a header already checked for length and magic. */
    static long readFingerprint(byte[] data) {
        return ByteBuffer.wrap(data, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    /** A fingerprint as the 16 hex digits of its bytes on the wire (little-endian), as a hex dump shows them. */
    public static String wireHex(long fingerprint) {
        byte[] bytes = ByteBuffer.allocate(8)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(fingerprint)
                .array();
        return HexFormat.ofDelimiter(" ").withUpperCase().formatHex(bytes);
    }

    /** Up to {@code max} leading bytes as hex, for error messages that name what was received. */
    public static String leadingHex(byte[] data, int max) {
        int n = Math.min(max, data.length);
        String hex = HexFormat.ofDelimiter(" ").withUpperCase().formatHex(data, 0, n);
        return data.length > n ? hex + " ..." : hex;
    }
}
