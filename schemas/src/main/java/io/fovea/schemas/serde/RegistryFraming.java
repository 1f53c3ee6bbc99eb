package io.fovea.schemas.serde;

import io.fovea.avro.DeadLetterReason;
import java.nio.ByteBuffer;

/**
 * The schema-registry wire format (Confluent's, which Apicurio and Karapace speak too): a zero
 * byte, the writer schema's registry id as a 4-byte big-endian int, then the Avro binary body.
 */
public final class RegistryFraming {
    public static final byte MAGIC = 0;
    public static final int HEADER_LENGTH = 5;

    private RegistryFraming() {}

    /** True when the value starts with the registry framing's magic byte. */
    public static boolean startsFramed(byte[] data) {
        return data != null && data.length > 0 && data[0] == MAGIC;
    }

    /** @throws UndecodableRecordException when the 5-byte header is cut short */
    public static int schemaId(byte[] data) {
        if (data.length < HEADER_LENGTH) {
            throw new UndecodableRecordException(
                    DeadLetterReason.TRUNCATED,
                    "schema-registry header needs 5 bytes (00 + 4-byte schema id), got " + data.length + ": "
                            + SingleObjectEncoding.leadingHex(data, HEADER_LENGTH));
        }
        return ByteBuffer.wrap(data, 1, 4).getInt();
    }

    /** The framed value of an Avro binary body written with schema {@code id}. */
    public static byte[] frame(int id, byte[] body, int bodyOffset) {
        int length = body.length - bodyOffset;
        return ByteBuffer.allocate(HEADER_LENGTH + length)
                .put(MAGIC)
                .putInt(id)
                .put(body, bodyOffset, length)
                .array();
    }
}
