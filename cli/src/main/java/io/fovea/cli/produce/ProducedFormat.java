package io.fovea.cli.produce;

import io.fovea.avro.ImageEvent;
import io.fovea.avro.PixelFormat;
import io.fovea.schemas.kafka.KafkaConnection;
import io.fovea.schemas.registry.RegistrySettings;
import io.fovea.schemas.registry.SchemaRegistryClient;
import io.fovea.schemas.serde.FoveaRecords;
import io.fovea.schemas.serde.RegistryFramedCodec;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * The wire format {@code produce --format} writes an event in (docs/wire-format.md): Avro
 * single-object encoding, the schema-registry framing (ImageEvent registered under
 * {@code <topic>-value}), or the image as a plain PNG/JPEG file with the rest of the event in headers.
 */
public interface ProducedFormat {
    String LABEL_HEADER = "fovea.label";
    String EVENT_TIME_HEADER = "fovea.event-time";
    String ATTRIBUTE_PREFIX = "fovea.attr.";

    ProducerRecord<String, byte[]> record(String topic, ImageEvent event);

    /** @param connection its settings (the --command-config file) name the registry for {@code registry} */
    static ProducedFormat named(String name, KafkaConnection connection, String topic) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "single-object" ->
                (t, event) -> new ProducerRecord<>(t, event.getId(), FoveaRecords.IMAGE_EVENT.encode(event));
            case "registry" -> registry(connection, topic);
            case "file" -> ProducedFormat::file;
            default ->
                throw new IllegalArgumentException("--format " + name + ": one of single-object, registry, file");
        };
    }

    private static ProducedFormat registry(KafkaConnection connection, String topic) {
        RegistrySettings settings = RegistrySettings.from(connection.settings());
        if (settings == null) {
            throw new IllegalArgumentException(
                    "--format registry needs schema.registry.url in the --command-config file");
        }
        int id = new SchemaRegistryClient(settings).register(topic + "-value", ImageEvent.getClassSchema());
        RegistryFramedCodec<ImageEvent> codec = new RegistryFramedCodec<>(FoveaRecords.IMAGE_EVENT);
        return (t, event) -> new ProducerRecord<>(t, event.getId(), codec.encode(event, id));
    }

    /** The image file itself; raw pixels are written as a PNG. */
    static ProducerRecord<String, byte[]> file(String topic, ImageEvent event) {
        List<Header> headers = new ArrayList<>();
        if (event.getLabel() != null) {
            headers.add(header(LABEL_HEADER, Integer.toString(event.getLabel())));
        }
        headers.add(header(EVENT_TIME_HEADER, Long.toString(event.getEventTime().toEpochMilli())));
        for (Map.Entry<String, String> a : event.getAttributes().entrySet()) {
            headers.add(header(ATTRIBUTE_PREFIX + a.getKey(), a.getValue()));
        }
        return new ProducerRecord<>(topic, null, event.getId(), fileBytes(event), headers);
    }

    private static Header header(String key, String value) {
        return new RecordHeader(key, value.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] fileBytes(ImageEvent event) {
        byte[] pixels = bytes(event.getPixels());
        if (event.getPixelFormat() == PixelFormat.PNG || event.getPixelFormat() == PixelFormat.JPEG) {
            return pixels;
        }
        int w = event.getWidth();
        int h = event.getHeight();
        boolean planar = event.getPixelFormat() == PixelFormat.RGB8_CHW;
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = 0;
                for (int c = 0; c < 3; c++) {
                    int at = planar ? c * w * h + y * w + x : (y * w + x) * 3 + c;
                    rgb = (rgb << 8) | (pixels[at] & 0xFF);
                }
                image.setRGB(x, y, rgb);
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return png.toByteArray();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] b = new byte[buffer.remaining()];
        buffer.duplicate().get(b);
        return b;
    }
}
