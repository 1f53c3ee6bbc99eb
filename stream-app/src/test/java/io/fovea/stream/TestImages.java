package io.fovea.stream;

import io.fovea.avro.ImageEvent;
import io.fovea.avro.PixelFormat;
import io.fovea.schemas.serde.FoveaRecords;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;

/** ImageEvents for tests: a 2x2 RGB image whose pixels all hold {@code value}. */
public final class TestImages {
    private TestImages() {}

    public static ImageEvent event(String id, int value, Integer label) {
        byte[] pixels = new byte[12];
        Arrays.fill(pixels, (byte) value);
        return ImageEvent.newBuilder()
                .setId(id)
                .setEventTime(Instant.now())
                .setWidth(2)
                .setHeight(2)
                .setChannels(3)
                .setPixelFormat(PixelFormat.RGB8_HWC)
                .setPixels(ByteBuffer.wrap(pixels))
                .setLabel(label)
                .setAttributes(Map.of("k", "v-" + id))
                .build();
    }

    public static byte[] bytes(String id, int value, Integer label) {
        return FoveaRecords.IMAGE_EVENT.encode(event(id, value, label));
    }
}
