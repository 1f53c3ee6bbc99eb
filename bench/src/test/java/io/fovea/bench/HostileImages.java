package io.fovea.bench;

import io.fovea.avro.DeadLetterReason;
import io.fovea.avro.ImageEvent;
import io.fovea.avro.PixelFormat;
import io.fovea.schemas.serde.FoveaRecords;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import javax.imageio.ImageIO;

/** Image files a hostile producer sends, each as an ImageEvent, with what serve must make of it. */
final class HostileImages {
    /** One hostile image: {@code reason} null when it must be classified. */
    record Hostile(String id, String kind, byte[] value, DeadLetterReason reason) {}

    private HostileImages() {}

    /** A grey PNG of {@code side}x{@code side}: small on the wire, {@code side}² pixels once decoded. */
    static byte[] png(int side) {
        return file(new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY), "png");
    }

    static byte[] gif() {
        return file(new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_INDEXED), "gif");
    }

    private static byte[] file(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, format, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The hostile images for a serve whose {@code max.image.pixels} is {@code maxPixels}. */
    static Hostile[] all(long maxPixels) {
        int atLimit = (int) Math.sqrt(maxPixels);
        byte[] atLimitPng = png(atLimit);
        return new Hostile[] {
            new Hostile(
                    "png-at-limit",
                    "PNG of " + atLimit + "x" + atLimit + " (at max.image.pixels)",
                    event("png-at-limit", PixelFormat.PNG, atLimitPng),
                    null),
            new Hostile(
                    "png-over-limit",
                    "PNG of " + (atLimit + 1) + "x" + (atLimit + 1) + " (one row and column over)",
                    event("png-over-limit", PixelFormat.PNG, png(atLimit + 1)),
                    DeadLetterReason.IMAGE_TOO_LARGE),
            new Hostile(
                    "gif-as-png",
                    "GIF declared as PNG",
                    event("gif-as-png", PixelFormat.PNG, gif()),
                    DeadLetterReason.CORRUPT_IMAGE),
            new Hostile(
                    "png-cut",
                    "PNG cut short",
                    event("png-cut", PixelFormat.PNG, Arrays.copyOf(atLimitPng, atLimitPng.length / 2)),
                    DeadLetterReason.CORRUPT_IMAGE)
        };
    }

    private static byte[] event(String id, PixelFormat format, byte[] file) {
        return FoveaRecords.IMAGE_EVENT.encode(ImageEvent.newBuilder()
                .setId(id)
                .setEventTime(Instant.now())
                .setWidth(0)
                .setHeight(0)
                .setChannels(3)
                .setPixelFormat(format)
                .setPixels(ByteBuffer.wrap(file))
                .setLabel(null)
                .setAttributes(Map.of())
                .build());
    }
}
