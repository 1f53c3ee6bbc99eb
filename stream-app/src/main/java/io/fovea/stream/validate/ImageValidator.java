package io.fovea.stream.validate;

import io.fovea.avro.DeadLetterReason;
import io.fovea.avro.ImageEvent;
import io.fovea.avro.PixelFormat;
import io.fovea.core.image.ImageDecoder;
import io.fovea.core.image.InvalidImageException;
import io.fovea.core.image.RgbImage;
import io.fovea.schemas.registry.RegistryRefusalException;
import io.fovea.schemas.serde.FoveaRecords;
import io.fovea.schemas.serde.RegistryFramedCodec;
import io.fovea.schemas.serde.RegistryFraming;
import io.fovea.schemas.serde.SingleObjectEncoding;
import io.fovea.schemas.serde.UndecodableRecordException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import org.apache.avro.Schema;

/**
 * Turns a record value into an {@link AcceptedImage} or refuses it with a dead-letter reason:
 * size limit first (before any decoding), then the wire format by its first bytes (single-object
 * Avro, registry-framed Avro or a plain PNG/JPEG file, as far as input.formats accepts them), then
 * the envelope, then the pixels.
 */
public final class ImageValidator {
    private static final RegistryFramedCodec<ImageEvent> REGISTRY_CODEC =
            new RegistryFramedCodec<>(FoveaRecords.IMAGE_EVENT);

    private final long maxPayloadBytes;
    private final ImageDecoder decoder;
    private final Set<WireFormat> accepted;
    private final WriterSchemas writerSchemas;

    /** A validator of single-object Avro and plain image files, with no registry. */
    public ImageValidator(long maxPayloadBytes, long maxImagePixels) {
        this(
                maxPayloadBytes,
                maxImagePixels,
                EnumSet.of(WireFormat.SINGLE_OBJECT, WireFormat.FILE),
                WriterSchemas.NONE);
    }

    /**
     * @param accepted the wire formats input.formats accepts
     * @param writerSchemas the registry's schemas by id; may throw RegistryUnavailableException, which
     *     this validator lets through (the caller waits and asks again: the record is not at fault)
     */
    public ImageValidator(
            long maxPayloadBytes, long maxImagePixels, Set<WireFormat> accepted, WriterSchemas writerSchemas) {
        this.maxPayloadBytes = maxPayloadBytes;
        this.decoder = new ImageDecoder(maxImagePixels);
        this.accepted = Set.copyOf(accepted);
        this.writerSchemas = writerSchemas;
    }

    /** Validates a value on its own, as a record without key or headers at time 0. */
    public AcceptedImage validate(byte[] value) {
        return validate(new SourceRecord("", 0, 0, null, value), 0);
    }

    /**
     * @param timestamp the record's timestamp: the event time of a plain image file without its header
     * @throws RejectedRecordException with the reason to dead-letter the record under
     */
    public AcceptedImage validate(SourceRecord source, long timestamp) {
        byte[] value = source.value();
        if (value != null && value.length > maxPayloadBytes) {
            throw new RejectedRecordException(
                    DeadLetterReason.PAYLOAD_TOO_LARGE,
                    value.length + " bytes is over the payload limit of " + maxPayloadBytes + " (max.payload.bytes)",
                    null);
        }
        WireFormat format = WireFormat.of(value);
        if (value != null && value.length > 0) {
            refuseUnaccepted(format, value);
        }
        ImageEvent event;
        try {
            event = switch (format == null ? WireFormat.SINGLE_OBJECT : format) {
                case SINGLE_OBJECT -> FoveaRecords.IMAGE_EVENT.decode(value, maxPayloadBytes);
                case REGISTRY -> fromRegistry(value);
                case FILE -> PlainImageFile.event(ImageDecoder.fileFormatOf(value), source, timestamp);
            };
        } catch (UndecodableRecordException e) {
            throw refusal(e, value, maxPayloadBytes);
        }
        byte[] pixels = new byte[event.getPixels().remaining()];
        event.getPixels().duplicate().get(pixels);
        try {
            RgbImage image = decoder.decode(
                    event.getPixelFormat(), event.getWidth(), event.getHeight(), event.getChannels(), pixels);
            if (format == WireFormat.FILE) {
                event.setWidth(image.width());
                event.setHeight(image.height());
            }
            return new AcceptedImage(event, image);
        } catch (InvalidImageException e) {
            throw new RejectedRecordException(e.reason(), "image " + event.getId() + ": " + e.getMessage(), e);
        }
    }

    private void refuseUnaccepted(WireFormat format, byte[] value) {
        if (format == null) {
            throw new RejectedRecordException(
                    DeadLetterReason.UNKNOWN_WIRE_FORMAT,
                    value.length + " bytes starting " + SingleObjectEncoding.leadingHex(value, 8)
                            + " are none of the formats read (input.formats=" + WireFormat.names(accepted)
                            + "): single-object Avro starts C3 01, registry-framed Avro 00, a PNG 89 50 4E 47, a"
                            + " JPEG FF D8 FF",
                    null);
        }
        if (!accepted.contains(format)) {
            throw new RejectedRecordException(
                    DeadLetterReason.WIRE_FORMAT_NOT_ACCEPTED,
                    value.length + " bytes starting " + SingleObjectEncoding.leadingHex(value, 8) + " are "
                            + format.option() + ", which input.formats=" + WireFormat.names(accepted)
                            + " does not accept",
                    null);
        }
    }

    private ImageEvent fromRegistry(byte[] value) {
        int id = RegistryFraming.schemaId(value);
        Schema writer;
        try {
            writer = writerSchemas.byId(id);
        } catch (RegistryRefusalException e) {
            throw new UndecodableRecordException(
                    e.notFound() ? DeadLetterReason.UNKNOWN_SCHEMA_ID : DeadLetterReason.INCOMPATIBLE_WRITER_SCHEMA,
                    "schema id " + id + ": " + e.getMessage());
        }
        return REGISTRY_CODEC.decode(value, id, writer, maxPayloadBytes);
    }

    /**
     * A body that does not decode may carry a pixel format this version does not know. An Avro
     * enum is written as its index, exactly like an int, so the body is read once more with the
     * pixel format as a plain int: if that works and the index is out of range, that is the reason.
     */
    private static RejectedRecordException refusal(UndecodableRecordException e, byte[] value, long maxPayloadBytes) {
        if (e.reason() == DeadLetterReason.MALFORMED_AVRO) {
            Integer index = PixelFormatProbe.pixelFormatIndex(value, maxPayloadBytes);
            if (index != null && (index < 0 || index >= PixelFormat.values().length)) {
                return new RejectedRecordException(
                        DeadLetterReason.UNKNOWN_PIXEL_FORMAT,
                        "pixel format index " + index + " is not one of " + Arrays.toString(PixelFormat.values()),
                        e);
            }
        }
        return new RejectedRecordException(e.reason(), e.getMessage(), e);
    }
}
