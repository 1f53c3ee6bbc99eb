package io.fovea.cli.consume;

import io.fovea.avro.DeadLetterReason;
import io.fovea.avro.ImageEvent;
import io.fovea.avro.PixelFormat;
import io.fovea.core.image.ImageDecoder;
import io.fovea.schemas.registry.RegistryRefusalException;
import io.fovea.schemas.registry.RegistryUnavailableException;
import io.fovea.schemas.registry.SchemaRegistryClient;
import io.fovea.schemas.serde.FoveaRecords;
import io.fovea.schemas.serde.RegistryFramedCodec;
import io.fovea.schemas.serde.RegistryFraming;
import io.fovea.schemas.serde.SingleObjectCodec;
import io.fovea.schemas.serde.UndecodableRecordException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Reads a record value in any of the wire formats (docs/wire-format.md): single-object Avro (any
 * Fovea type, by fingerprint), registry-framed Avro (the Fovea type the writer schema names, read
 * with the writer schema from the registry) or a plain PNG/JPEG file (an ImageEvent from the key
 * and the {@code fovea.*} headers).
 */
final class AnyWireFormat {
    private static final List<SingleObjectCodec<?>> CODECS = List.of(
            FoveaRecords.IMAGE_EVENT, FoveaRecords.PREDICTION, FoveaRecords.DEAD_LETTER, FoveaRecords.MODEL_RELEASE);
    private static final long LIMIT = 50L << 20;

    /** null: registry-framed records are refused as such, naming what is missing. */
    private final SchemaRegistryClient registry;

    private final Map<String, RegistryFramedCodec<?>> framed = new HashMap<>();

    AnyWireFormat(SchemaRegistryClient registry) {
        this.registry = registry;
    }

    SpecificRecord decode(ConsumerRecord<byte[], byte[]> record) {
        byte[] value = record.value();
        if (RegistryFraming.startsFramed(value)) {
            return fromRegistry(value);
        }
        PixelFormat file = value == null ? null : ImageDecoder.fileFormatOf(value);
        if (file != null) {
            return imageFile(record, file);
        }
        return FoveaRecords.decodeAny(value);
    }

    private SpecificRecord fromRegistry(byte[] value) {
        int id = RegistryFraming.schemaId(value);
        if (registry == null) {
            throw new UndecodableRecordException(
                    DeadLetterReason.UNKNOWN_SCHEMA_ID,
                    "registry-framed (schema id " + id + "): set schema.registry.url in --command-config to read it");
        }
        Schema writer;
        try {
            writer = registry.schemaById(id);
        } catch (RegistryRefusalException | RegistryUnavailableException e) {
            throw new UndecodableRecordException(DeadLetterReason.UNKNOWN_SCHEMA_ID, "schema id " + id + ": " + e);
        }
        RegistryFramedCodec<?> codec = framed.computeIfAbsent(writer.getName(), AnyWireFormat::codecNamed);
        if (codec == null) {
            throw new UndecodableRecordException(
                    DeadLetterReason.UNKNOWN_SCHEMA_ID,
                    "schema id " + id + " is " + writer.getFullName() + ", not a Fovea record");
        }
        return (SpecificRecord) codec.decode(value, id, writer, LIMIT);
    }

    private static RegistryFramedCodec<?> codecNamed(String name) {
        return CODECS.stream()
                .filter(c -> c.schema().getName().equals(name))
                .findFirst()
                .map(RegistryFramedCodec::new)
                .orElse(null);
    }

    private static ImageEvent imageFile(ConsumerRecord<byte[], byte[]> record, PixelFormat format) {
        Map<String, String> attributes = new HashMap<>();
        Integer label = null;
        long time = record.timestamp();
        for (Header h : record.headers()) {
            String text = h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
            try {
                if (h.key().equals("fovea.label")) {
                    label = Integer.parseInt(text.strip());
                } else if (h.key().equals("fovea.event-time")) {
                    time = Long.parseLong(text.strip());
                }
            } catch (NumberFormatException e) {
                attributes.put(h.key(), text); // shown as it came
            }
            if (h.key().startsWith("fovea.attr.")) {
                attributes.put(h.key().substring("fovea.attr.".length()), text);
            }
        }
        int[] size = dimensions(record.value());
        return ImageEvent.newBuilder()
                .setId(
                        record.key() == null
                                ? record.topic() + "-" + record.partition() + "@" + record.offset()
                                : new String(record.key(), StandardCharsets.UTF_8))
                .setEventTime(Instant.ofEpochMilli(time))
                .setWidth(size[0])
                .setHeight(size[1])
                .setChannels(3)
                .setPixelFormat(format)
                .setPixels(ByteBuffer.wrap(record.value()))
                .setLabel(label)
                .setAttributes(attributes)
                .build();
    }

    /** Width and height from the file's header, without decoding its pixels; 0 when unreadable. */
    private static int[] dimensions(byte[] file) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(file))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (readers.hasNext()) {
                ImageReader reader = readers.next();
                try {
                    reader.setInput(in);
                    return new int[] {reader.getWidth(0), reader.getHeight(0)};
                } finally {
                    reader.dispose();
                }
            }
        } catch (IOException | RuntimeException e) {
            // shown as 0x0: the printer still names the record
        }
        return new int[] {0, 0};
    }
}
