package io.fovea.stream.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fovea.avro.DeadLetterReason;
import io.fovea.stream.TestImages;
import org.junit.jupiter.api.Test;

class ImageValidatorTest {
    private final ImageValidator validator = new ImageValidator(10_000, 10_000);

    @Test
    void anUnknownPixelFormatIsToldApartFromMalformedAvro() {
        byte[] bytes = UnknownPixelFormat.encode(TestImages.event("x", 1, null), 9);
        RejectedRecordException e = assertThrows(RejectedRecordException.class, () -> validator.validate(bytes));
        assertEquals(DeadLetterReason.UNKNOWN_PIXEL_FORMAT, e.reason());
        assertEquals("pixel format index 9 is not one of [RGB8_HWC, RGB8_CHW, PNG, JPEG]", e.getMessage());
    }

    @Test
    void aKnownFormatWrittenThroughTheProbeSchemaIsAccepted() {
        byte[] bytes = UnknownPixelFormat.encode(TestImages.event("x", 1, null), 0);
        assertEquals("x", validator.validate(bytes).event().getId());
    }
}
