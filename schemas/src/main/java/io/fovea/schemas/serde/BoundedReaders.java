package io.fovea.schemas.serde;

import java.io.IOException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.ResolvingDecoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;

/**
 * Datum readers that name the field a {@link DeclaredLengthException} was read for, so a dead
 * letter says which field lied about its length. Avro's readers are subclassed only to wrap
 * {@code readField}; the reading itself is Avro's.
 */
final class BoundedReaders {
    private BoundedReaders() {}

    /**
     * Avro's records read field by field: Avro's fast reader and the generated classes' own
     * decoders are quicker but never call readField.
     */
    private static final SpecificData SPECIFIC_BY_FIELD = byField(new SpecificData());

    private static final GenericData GENERIC_BY_FIELD = byField(new GenericData());

    /**
     * The readers of {@code writer}'s records into {@code reader}'s shape: the fast one, and one
     * that names the field of a lying length, run again only to say where it was.
     */
    record Pair<T>(DatumReader<T> fast, DatumReader<T> naming) {}

    static <T> Pair<T> of(Schema writer, Schema reader, GenericData model) {
        if (model instanceof SpecificData specific) {
            return new Pair<>(
                    new Specific<>(writer, reader, specific), new Specific<>(writer, reader, SPECIFIC_BY_FIELD));
        }
        return new Pair<>(new Generic<>(writer, reader, model), new Generic<>(writer, reader, GENERIC_BY_FIELD));
    }

    private static <D extends GenericData> D byField(D data) {
        data.setFastReaderEnabled(false);
        if (data instanceof SpecificData specific) {
            specific.setCustomCoders(false);
        }
        return data;
    }

    private interface FieldRead {
        void run() throws IOException;
    }

    private static void naming(Schema.Field field, FieldRead read) throws IOException {
        try {
            read.run();
        } catch (DeclaredLengthException e) {
            throw e.within(field.name());
        }
    }

    private static final class Specific<T> extends SpecificDatumReader<T> {
        Specific(Schema writer, Schema reader, SpecificData model) {
            super(writer, reader, model);
        }

        @Override
        protected void readField(Object r, Schema.Field f, Object oldDatum, ResolvingDecoder in, Object state)
                throws IOException {
            naming(f, () -> super.readField(r, f, oldDatum, in, state));
        }
    }

    private static final class Generic<T> extends GenericDatumReader<T> {
        Generic(Schema writer, Schema reader, GenericData model) {
            super(writer, reader, model);
        }

        @Override
        protected void readField(Object r, Schema.Field f, Object oldDatum, ResolvingDecoder in, Object state)
                throws IOException {
            naming(f, () -> super.readField(r, f, oldDatum, in, state));
        }
    }
}
