package io.fovea.bench;

import io.fovea.avro.ImageEvent;
import io.fovea.avro.PixelFormat;
import io.fovea.core.image.RgbImage;
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
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The same 32x32 images as {@link ImageLoad}, written in one input format: raw pixels in
 * single-object Avro, raw pixels registry-framed, PNG files inside single-object Avro, or plain
 * PNG files, so that a row per format shows what framing and decoding cost beside raw pixels.
 */
final class InputFormatLoad {
    enum Format {
        SINGLE_OBJECT("single-object, raw pixels"),
        REGISTRY("registry-framed, raw pixels"),
        SINGLE_OBJECT_PNG("single-object, PNG pixels"),
        FILE("plain PNG file");

        final String row;

        Format(String row) {
            this.row = row;
        }
    }

    private final KafkaConnection kafka;
    /** The registry of registry-framed images; null without one. */
    private final String registryUrl;

    InputFormatLoad(KafkaConnection kafka, String registryUrl) {
        this.kafka = kafka;
        this.registryUrl = registryUrl;
    }

    /** Writes {@code n} images in {@code format} to {@code topic}. */
    void fill(String topic, int n, Format format) {
        int id = format == Format.REGISTRY ? registeredId(topic) : -1;
        RegistryFramedCodec<ImageEvent> framed = new RegistryFramedCodec<>(FoveaRecords.IMAGE_EVENT);
        AtomicReference<Exception> failure = new AtomicReference<>();
        List<RgbImage> images = BenchModel.images(64, 32, 7);
        List<byte[]> pngs = format == Format.FILE || format == Format.SINGLE_OBJECT_PNG
                ? images.stream().map(InputFormatLoad::png).toList()
                : List.of();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                kafka.producer(Map.of(ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5)),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < n; i++) {
                String key = "f" + i;
                byte[] png = pngs.isEmpty() ? null : pngs.get(i % pngs.size());
                byte[] value = switch (format) {
                    case SINGLE_OBJECT -> FoveaRecords.IMAGE_EVENT.encode(raw(key, images.get(i % images.size())));
                    case REGISTRY -> framed.encode(raw(key, images.get(i % images.size())), id);
                    case SINGLE_OBJECT_PNG -> FoveaRecords.IMAGE_EVENT.encode(inPng(key, png));
                    case FILE -> png;
                };
                producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value), (m, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
            }
            producer.flush();
        }
        if (failure.get() != null) {
            // a run would otherwise wait for predictions of images never written
            throw new IllegalStateException("writing " + format + " images failed: " + failure.get(), failure.get());
        }
    }

    private int registeredId(String topic) {
        if (registryUrl == null) {
            throw new IllegalArgumentException("registry-framed images need --registry URL");
        }
        SchemaRegistryClient client =
                new SchemaRegistryClient(RegistrySettings.from(Map.of(RegistrySettings.URL, registryUrl)));
        return client.register(topic + "-value", ImageEvent.getClassSchema());
    }

    private static ImageEvent raw(String id, RgbImage image) {
        return event(id, PixelFormat.RGB8_CHW, image.chw());
    }

    private static ImageEvent inPng(String id, byte[] png) {
        return event(id, PixelFormat.PNG, png);
    }

    private static ImageEvent event(String id, PixelFormat format, byte[] pixels) {
        return ImageEvent.newBuilder()
                .setId(id)
                .setEventTime(Instant.now())
                .setWidth(32)
                .setHeight(32)
                .setChannels(3)
                .setPixelFormat(format)
                .setPixels(ByteBuffer.wrap(pixels))
                .setLabel(null)
                .setAttributes(Map.of())
                .build();
    }

    private static byte[] png(RgbImage image) {
        BufferedImage buffered = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                buffered.setRGB(x, y, image.at(0, y, x) << 16 | image.at(1, y, x) << 8 | image.at(2, y, x));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(buffered, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
