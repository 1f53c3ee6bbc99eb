package io.fovea.schemas.hostile;

import io.fovea.schemas.serde.SingleObjectEncoding;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * Records that are valid up to one length or item count, which declares far more than the record
 * holds: one for every string, bytes, array and map a schema can reach (through records, unions,
 * array items and map values), found by walking the schema, so a field added later is covered.
 */
public final class LengthBombs {
    /** What the 15-byte record of the issue declared: Avro's own largest allowed string. */
    public static final long DECLARED = 2_147_483_639L;

    /** One hostile record: {@code path} names the field whose length lies. */
    public record Bomb(String path, Schema.Type type, long declared, byte[] bytes) {
        @Override
        public String toString() {
            return path + " (" + type + " of " + declared + ")";
        }
    }

    private LengthBombs() {}

    /** A bomb declaring {@code declared} for every variable-length field of {@code schema}, single-object framed. */
    public static List<Bomb> of(Schema schema, long declared) {
        List<Bomb> bombs = new ArrayList<>();
        walk(schema, "", declared, new ArrayList<>(), bombs, SingleObjectEncoding.header(schema));
        return bombs;
    }

    /** An action on the encoder: what comes before the lying length. */
    private interface Write {
        void to(BinaryEncoder out) throws IOException;
    }

    private static void walk(
            Schema schema, String path, long declared, List<Write> before, List<Bomb> out, byte[] header) {
        switch (schema.getType()) {
            case STRING, BYTES, ARRAY, MAP -> {
                out.add(new Bomb(path, schema.getType(), declared, encode(header, before, o -> o.writeLong(declared))));
                if (schema.getType() == Schema.Type.ARRAY) {
                    walk(
                            schema.getElementType(),
                            path + "[0]",
                            declared,
                            with(before, o -> o.writeLong(1)),
                            out,
                            header);
                } else if (schema.getType() == Schema.Type.MAP) {
                    // one entry with an empty key, then its value lies
                    walk(
                            schema.getValueType(),
                            path + "{}",
                            declared,
                            with(before, o -> {
                                o.writeLong(1);
                                o.writeString("");
                            }),
                            out,
                            header);
                }
            }
            case RECORD -> {
                List<Write> prefix = new ArrayList<>(before);
                for (Schema.Field field : schema.getFields()) {
                    String name = path.isEmpty() ? field.name() : path + "." + field.name();
                    walk(field.schema(), name, declared, prefix, out, header);
                    prefix = with(prefix, o -> writeSmallest(field.schema(), o));
                }
            }
            case UNION -> {
                for (int i = 0; i < schema.getTypes().size(); i++) {
                    int branch = i;
                    walk(
                            schema.getTypes().get(i),
                            path,
                            declared,
                            with(before, o -> o.writeIndex(branch)),
                            out,
                            header);
                }
            }
            default -> {}
        }
    }

    /** The shortest valid encoding of a value of {@code schema}. */
    static void writeSmallest(Schema schema, BinaryEncoder out) throws IOException {
        switch (schema.getType()) {
            case NULL -> {}
            case BOOLEAN -> out.writeBoolean(false);
            case INT, ENUM -> out.writeInt(0);
            case LONG -> out.writeLong(0);
            case FLOAT -> out.writeFloat(0);
            case DOUBLE -> out.writeDouble(0);
            case STRING, BYTES, ARRAY, MAP -> out.writeLong(0);
            case FIXED -> out.writeFixed(new byte[schema.getFixedSize()]);
            case UNION -> {
                out.writeIndex(0);
                writeSmallest(schema.getTypes().get(0), out);
            }
            case RECORD -> {
                for (Schema.Field field : schema.getFields()) {
                    writeSmallest(field.schema(), out);
                }
            }
        }
    }

    private static List<Write> with(List<Write> before, Write next) {
        List<Write> all = new ArrayList<>(before);
        all.add(next);
        return all;
    }

    private static byte[] encode(byte[] header, List<Write> before, Write last) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(header);
        BinaryEncoder out = EncoderFactory.get().directBinaryEncoder(bytes, null);
        try {
            for (Write write : before) {
                write.to(out);
            }
            last.to(out);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
