package io.fovea.schemas.serde;

import io.fovea.avro.DeadLetterReason;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Encodes and decodes one record type in Avro single-object encoding, with errors that say
 * exactly what arrived. Thread-safe: readers and writers are stateless once built.
 *
 * <p>We do not use Avro's {@code BinaryMessageDecoder} because its errors do not distinguish
 * truncation from garbage, nor name the bytes that arrived, and it accepts trailing bytes.
 */
public final class SingleObjectCodec<T extends IndexedRecord> {
    /**
     * A declared length no record could have where the caller names no limit: the most a Kafka
     * consumer fetches at once by default (fetch.max.bytes).
     */
    public static final long DEFAULT_MAX_DECLARED_BYTES = 52_428_800;

    private final Class<T> type;
    private final Schema schema;
    private final long fingerprint;
    private final byte[] header;
    private final DatumWriter<T> writer;
    private final BoundedReaders.Pair<T> reader;
    /** Readers of records written with earlier versions of the schema, by their fingerprint. */
    private final Map<Long, BoundedReaders.Pair<T>> earlierReaders;

    private final List<Schema> earlier;
    private final GenericData model;

    public SingleObjectCodec(Class<T> type, Schema schema) {
        this(type, schema, List.of());
    }

    /**
     * @param type a generated class, or {@link GenericRecord} for records of a schema without one
     * @param earlier earlier versions of {@code schema}: their records are read into the current one
     */
    @SuppressWarnings("unchecked")
    public SingleObjectCodec(Class<T> type, Schema schema, List<Schema> earlier) {
        this.type = type;
        this.schema = schema;
        this.fingerprint = SingleObjectEncoding.fingerprint(schema);
        this.header = SingleObjectEncoding.header(schema);
        this.model = SpecificRecord.class.isAssignableFrom(type) ? SpecificData.get() : GenericData.get();
        this.writer = (DatumWriter<T>) model.createDatumWriter(schema);
        this.reader = BoundedReaders.of(schema, schema, model);
        this.earlier = List.copyOf(earlier);
        this.earlierReaders = earlier.stream()
                .collect(Collectors.toUnmodifiableMap(
                        SingleObjectEncoding::fingerprint,
                        old -> BoundedReaders.<T>of(old, schema, model),
                        (a, b) -> a));
    }

    /** A codec of generic records: for a schema version no class was generated for. */
    public static SingleObjectCodec<GenericRecord> generic(Schema schema, List<Schema> earlier) {
        return new SingleObjectCodec<>(GenericRecord.class, schema, earlier);
    }

    /** True when records with this fingerprint decode: the current schema's, or an earlier version's. */
    public boolean reads(long fingerprint) {
        return fingerprint == this.fingerprint || earlierReaders.containsKey(fingerprint);
    }

    /** The readers of records written with {@code writer} into this codec's schema (Avro schema resolution). */
    BoundedReaders.Pair<T> readersFrom(Schema writer) {
        return BoundedReaders.of(writer, schema, model);
    }

    /** The earlier versions of the schema this codec reads. */
    public List<Schema> earlier() {
        return earlier;
    }

    public Schema schema() {
        return schema;
    }

    public long fingerprint() {
        return fingerprint;
    }

    public Class<T> type() {
        return type;
    }

    public byte[] encode(T record) {
        if (record == null) {
            throw new IllegalArgumentException("cannot encode a null " + type.getSimpleName());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.writeBytes(header);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            writer.write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen on a byte array stream
        }
        return out.toByteArray();
    }

    /**
     * Decodes one record, allowing no declared length over {@link #DEFAULT_MAX_DECLARED_BYTES}.
     *
     * @throws UndecodableRecordException naming the reason and the bytes received
     */
    public T decode(byte[] data) {
        return decode(data, DEFAULT_MAX_DECLARED_BYTES);
    }

    /**
     * Decodes one record. Every length and item count in it is checked against the bytes left in
     * the record before anything is allocated: more than is left is a record cut short
     * ({@code TRUNCATED}), unless it is also over {@code maxDeclaredBytes} ({@code MALFORMED_AVRO});
     * either way the error names the field.
     *
     * @param maxDeclaredBytes the largest record the caller accepts (max.payload.bytes for images)
     * @throws UndecodableRecordException naming the reason and the bytes received
     */
    public T decode(byte[] data, long maxDeclaredBytes) {
        return decode(data, maxDeclaredBytes, readerFor(data));
    }

    /**
     * The body read as {@code shape}, a schema of the same encoding (a field widened to an int,
     * say), bounded as {@link #decode(byte[], long)}: to tell why a record did not decode.
     */
    public GenericRecord decodeAs(byte[] data, Schema shape, long maxDeclaredBytes) {
        return decode(data, maxDeclaredBytes, BoundedReaders.of(shape, shape, GenericData.get()));
    }

    private <R> R decode(byte[] data, long maxDeclaredBytes, BoundedReaders.Pair<R> readers) {
        return decodeBody(data, SingleObjectEncoding.HEADER_LENGTH, maxDeclaredBytes, readers);
    }

    /** The body from {@code offset} on, read with {@code readers}, bounded and with errors as {@link #decode(byte[], long)}. */
    <R> R decodeBody(byte[] data, int offset, long maxDeclaredBytes, BoundedReaders.Pair<R> readers) {
        BoundedBinaryDecoder decoder = body(data, offset, maxDeclaredBytes);
        R record;
        try {
            record = readers.fast().read(null, decoder);
        } catch (DeclaredLengthException e) {
            DeclaredLengthException named = named(data, offset, maxDeclaredBytes, readers.naming(), e);
            throw new UndecodableRecordException(
                    named.malformed() ? DeadLetterReason.MALFORMED_AVRO : DeadLetterReason.TRUNCATED,
                    name() + " " + named.getMessage(),
                    named);
        } catch (EOFException e) {
            throw new UndecodableRecordException(
                    DeadLetterReason.TRUNCATED, name() + " body ends early: " + data.length + " bytes in all", e);
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException e) {
            throw new UndecodableRecordException(
                    DeadLetterReason.MALFORMED_AVRO, name() + " body is not valid Avro binary for its schema: " + e, e);
        }
        if (!decoder.isEnd()) {
            throw new UndecodableRecordException(
                    DeadLetterReason.MALFORMED_AVRO,
                    name() + " has bytes left after the record: " + data.length + " bytes in all");
        }
        return record;
    }

    private static BoundedBinaryDecoder body(byte[] data, int offset, long maxDeclaredBytes) {
        return new BoundedBinaryDecoder(data, offset, data.length - offset, maxDeclaredBytes);
    }

    /** The same error with its field named: the fast reader (generated code) cannot say which field it read. */
    private static DeclaredLengthException named(
            byte[] data, int offset, long maxDeclaredBytes, DatumReader<?> naming, DeclaredLengthException unnamed) {
        try {
            naming.read(null, body(data, offset, maxDeclaredBytes));
        } catch (DeclaredLengthException e) {
            return e;
        } catch (IOException | RuntimeException e) {
            // the reading that failed first is the one to report
        }
        return unnamed;
    }

    private BoundedReaders.Pair<T> readerFor(byte[] data) {
        if (data == null) {
            throw new UndecodableRecordException(
                    DeadLetterReason.NULL_VALUE, "expected a single-object encoded " + name() + ", got null");
        }
        boolean magicOk = (data.length < 1 || data[0] == SingleObjectEncoding.MAGIC_0)
                && (data.length < 2 || data[1] == SingleObjectEncoding.MAGIC_1);
        if (!magicOk || data.length == 0) {
            throw new UndecodableRecordException(
                    DeadLetterReason.NOT_SINGLE_OBJECT_AVRO,
                    "expected Avro single-object encoding (C3 01 + 8-byte fingerprint) for " + name() + ", got "
                            + data.length + " bytes starting " + SingleObjectEncoding.leadingHex(data, 8));
        }
        if (data.length < SingleObjectEncoding.HEADER_LENGTH) {
            throw new UndecodableRecordException(
                    DeadLetterReason.TRUNCATED,
                    "single-object header needs 10 bytes, got " + data.length + ": "
                            + SingleObjectEncoding.leadingHex(data, 10));
        }
        long got = SingleObjectEncoding.readFingerprint(data);
        if (got == fingerprint) {
            return reader;
        }
        BoundedReaders.Pair<T> earlier = earlierReaders.get(got);
        if (earlier == null) {
            String what = FoveaRecords.nameOf(got)
                    .map(other -> "that is the fingerprint of " + other + ", not " + name())
                    .orElse("no Fovea schema has it");
            throw new UndecodableRecordException(
                    DeadLetterReason.UNKNOWN_SCHEMA_FINGERPRINT,
                    "unknown schema fingerprint " + SingleObjectEncoding.wireHex(got) + " (" + what + "); " + name()
                            + " expects " + SingleObjectEncoding.wireHex(fingerprint));
        }
        return earlier;
    }

    private String name() {
        return schema.getName();
    }
}
