package io.fovea.stream.validate;

import io.fovea.avro.DeadLetterReason;
import io.fovea.avro.ImageEvent;
import io.fovea.avro.PixelFormat;
import io.fovea.core.image.ImageDecoder;
import io.fovea.core.image.InvalidImageException;
import io.fovea.core.image.RgbImage;
import io.fovea.schemas.serde.FoveaRecords;
import io.fovea.schemas.serde.UndecodableRecordException;
import java.util.Arrays;

/**
 * Turns a record value into an {@link AcceptedImage} or refuses it with a dead-letter reason:
 * size limit first (before any decoding), then the Avro envelope, then the pixels.
 */
public final class ImageValidator {
    private final long maxPayloadBytes;
    private final ImageDecoder decoder;

    public ImageValidator(long maxPayloadBytes, long maxImagePixels) {
        this.maxPayloadBytes = maxPayloadBytes;
        this.decoder = new ImageDecoder(maxImagePixels);
    }

    /** @throws RejectedRecordException with the reason to dead-letter the record under */
    public AcceptedImage validate(byte[] value) {
        if (value != null && value.length > maxPayloadBytes) {
            throw new RejectedRecordException(
                    DeadLetterReason.PAYLOAD_TOO_LARGE,
                    value.length + " bytes is over the payload limit of " + maxPayloadBytes + " (max.payload.bytes)",
                    null);
        }
        ImageEvent event;
        try {
            event = FoveaRecords.IMAGE_EVENT.decode(value, maxPayloadBytes);
        } catch (UndecodableRecordException e) {
            throw refusal(e, value, maxPayloadBytes);
        }
        byte[] pixels = new byte[event.getPixels().remaining()];
        event.getPixels().duplicate().get(pixels);
        try {
            RgbImage image = decoder.decode(
                    event.getPixelFormat(), event.getWidth(), event.getHeight(), event.getChannels(), pixels);
            return new AcceptedImage(event, image);
        } catch (InvalidImageException e) {
            throw new RejectedRecordException(e.reason(), "image " + event.getId() + ": " + e.getMessage(), e);
        }
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
