package io.fovea.stream.validate;

import io.fovea.avro.ImageEvent;
import io.fovea.schemas.serde.SingleObjectEncoding;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/** Bytes of an ImageEvent, under ImageEvent's fingerprint, whose pixel format index is one no version defines. */
public final class UnknownPixelFormat {
    private UnknownPixelFormat() {}

    public static byte[] encode(ImageEvent event, int formatIndex) {
        GenericRecord relaxed = new GenericData.Record(PixelFormatProbe.RELAXED);
        for (var field : ImageEvent.getClassSchema().getFields()) {
            Object value = event.get(field.pos());
            if (field.name().equals("pixelFormat")) {
                value = formatIndex;
            } else if (field.name().equals("eventTime")) {
                value = event.getEventTime().toEpochMilli();
            }
            relaxed.put(field.name(), value);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(SingleObjectEncoding.header(ImageEvent.getClassSchema()));
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            new GenericDatumWriter<GenericRecord>(PixelFormatProbe.RELAXED).write(relaxed, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
