package io.fovea.stream.validate;

import io.fovea.avro.DeadLetterReason;
import io.fovea.avro.ImageEvent;
import io.fovea.avro.PixelFormat;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.header.Header;

/**
 * The event of a plain PNG or JPEG record value: the id is the record key (UTF-8), the label,
 * event time and attributes come from headers (docs/wire-format.md). Width and height are the
 * file's own, read when its pixels are decoded.
 */
final class PlainImageFile {
    static final String LABEL_HEADER = "fovea.label";
    static final String EVENT_TIME_HEADER = "fovea.event-time";
    static final String ATTRIBUTE_PREFIX = "fovea.attr.";

    private PlainImageFile() {}

    /**
     * @param fallbackTime the event time without a {@value #EVENT_TIME_HEADER} header: the record's timestamp
     * @throws RejectedRecordException MALFORMED_AVRO when a number header does not parse (the envelope is bad, not the pixels)
     */
    static ImageEvent event(PixelFormat format, SourceRecord source, long fallbackTime) {
        String id = source.key() == null
                ? source.topic() + "-" + source.partition() + "@" + source.offset()
                : new String(source.key(), StandardCharsets.UTF_8);
        Integer label = null;
        long eventTime = fallbackTime;
        Map<String, String> attributes = new HashMap<>();
        for (Header header : source.headers()) {
            String value = header.value() == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
            if (header.key().equals(LABEL_HEADER)) {
                label = number(header.key(), value, id).intValue();
            } else if (header.key().equals(EVENT_TIME_HEADER)) {
                eventTime = number(header.key(), value, id);
            } else if (header.key().startsWith(ATTRIBUTE_PREFIX)) {
                attributes.put(header.key().substring(ATTRIBUTE_PREFIX.length()), value);
            }
        }
        return ImageEvent.newBuilder()
                .setId(id)
                .setEventTime(Instant.ofEpochMilli(eventTime))
                .setWidth(0)
                .setHeight(0)
                .setChannels(3)
                .setPixelFormat(format)
                .setPixels(ByteBuffer.wrap(source.value()))
                .setLabel(label)
                .setAttributes(attributes)
                .build();
    }

    private static Long number(String header, String value, String id) {
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new RejectedRecordException(
                    DeadLetterReason.MALFORMED_AVRO,
                    "image file " + id + ": header " + header + " must be a whole number, got '" + value + "'",
                    e);
        }
    }
}
