package io.fovea.schemas.serde;

import io.fovea.avro.DeadLetterReason;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.IndexedRecord;

/**
 * Reads and writes one record type in the schema-registry framing. A record is read with the
 * writer schema its id names, resolved against this codec's schema with Avro's schema resolution
 * (extra fields skipped, missing ones defaulted, aliases followed), over the same bounded decoder
 * as single-object records, so a lying length is refused before anything is allocated.
 * Thread-safe; the writer schemas come from the caller (a registry client), by id.
 */
public final class RegistryFramedCodec<T extends IndexedRecord> {
    private final SingleObjectCodec<T> codec;
    /** Readers by writer schema id: an id names one schema for ever. */
    private final Map<Integer, BoundedReaders.Pair<T>> readers = new ConcurrentHashMap<>();

    public RegistryFramedCodec(SingleObjectCodec<T> codec) {
        this.codec = codec;
    }

    public Schema schema() {
        return codec.schema();
    }

    /**
     * @param writer the schema registered under the value's id ({@link RegistryFraming#schemaId})
     * @param maxDeclaredBytes the largest record the caller accepts
     * @throws UndecodableRecordException INCOMPATIBLE_WRITER_SCHEMA naming what does not resolve,
     *     or the reasons of {@link SingleObjectCodec#decode(byte[], long)}
     */
    public T decode(byte[] data, int id, Schema writer, long maxDeclaredBytes) {
        BoundedReaders.Pair<T> pair = readers.get(id);
        if (pair == null) {
            refuseIncompatible(id, writer);
            pair = codec.readersFrom(writer);
            readers.put(id, pair);
        }
        return codec.decodeBody(data, RegistryFraming.HEADER_LENGTH, maxDeclaredBytes, pair);
    }

    /** The record framed under schema {@code id}, which must be this codec's schema as registered. */
    public byte[] encode(T record, int id) {
        return RegistryFraming.frame(id, codec.encode(record), SingleObjectEncoding.HEADER_LENGTH);
    }

    private void refuseIncompatible(int id, Schema writer) {
        SchemaCompatibility.SchemaPairCompatibility result =
                SchemaCompatibility.checkReaderWriterCompatibility(codec.schema(), writer);
        if (result.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            String problems = result.getResult().getIncompatibilities().stream()
                    .map(i -> i.getType() + " at " + i.getLocation() + ": " + i.getMessage())
                    .collect(Collectors.joining("; "));
            throw new UndecodableRecordException(
                    DeadLetterReason.INCOMPATIBLE_WRITER_SCHEMA,
                    "writer schema " + id + " (" + writer.getFullName() + ") does not resolve to "
                            + codec.schema().getFullName() + ": " + problems);
        }
    }
}
