package io.fovea.stream.validate;

import io.fovea.avro.ImageEvent;
import io.fovea.schemas.serde.FoveaRecords;
import io.fovea.schemas.serde.SingleObjectEncoding;
import io.fovea.schemas.serde.UndecodableRecordException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

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
    static Integer pixelFormatIndex(byte[] value, long maxPayloadBytes) {
        if (value == null || value.length <= SingleObjectEncoding.HEADER_LENGTH) {
            return null;
        }
        try {
            return (Integer) FoveaRecords.IMAGE_EVENT
                    .decodeAs(value, RELAXED, maxPayloadBytes)
                    .get("pixelFormat");
        } catch (UndecodableRecordException | ClassCastException e) {
            return null;
        }
    }
}
