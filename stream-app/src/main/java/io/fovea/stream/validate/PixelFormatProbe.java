package io.fovea.stream.validate;

import io.fovea.avro.ImageEvent;
import io.fovea.schemas.serde.SingleObjectEncoding;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/** Reads an ImageEvent body with its pixel format as a plain int, to tell an unknown format from garbage. */
final class PixelFormatProbe {
    static final Schema RELAXED = relaxed();

    private PixelFormatProbe() {}

    private static Schema relaxed() {
        Schema original = ImageEvent.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field field : original.getFields()) {
            Schema type = field.name().equals("pixelFormat") ? Schema.create(Schema.Type.INT) : field.schema();
            fields.add(new Schema.Field(field.name(), type, field.doc(), field.defaultVal()));
        }
        return Schema.createRecord(original.getName(), original.getDoc(), original.getNamespace(), false, fields);
    }

    /** The pixel format index, or null when the body does not decode even so. */
    static Integer pixelFormatIndex(byte[] value) {
        if (value == null || value.length <= SingleObjectEncoding.HEADER_LENGTH) {
            return null;
        }
        BinaryDecoder decoder = DecoderFactory.get()
                .binaryDecoder(
                        value,
                        SingleObjectEncoding.HEADER_LENGTH,
                        value.length - SingleObjectEncoding.HEADER_LENGTH,
                        null);
        try {
            GenericRecord record = new GenericDatumReader<GenericRecord>(RELAXED).read(null, decoder);
            return decoder.isEnd() ? (Integer) record.get("pixelFormat") : null;
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | ClassCastException e) {
            return null;
        }
    }
}
