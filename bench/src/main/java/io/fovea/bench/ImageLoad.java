package io.fovea.bench;

import io.fovea.avro.ImageEvent;
import io.fovea.avro.PixelFormat;
import io.fovea.core.image.RgbImage;
import io.fovea.schemas.kafka.KafkaConnection;
import io.fovea.schemas.serde.FoveaRecords;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The benchmarks' input: 32x32 raw images written to a topic, as fast as the producer goes or at a steady rate. */
final class ImageLoad {
    private final KafkaConnection kafka;

    ImageLoad(KafkaConnection kafka) {
        this.kafka = kafka;
    }

    /** Writes {@code n} 32x32 raw images to {@code topic} as fast as the producer goes; ids start with {@code prefix}. */
    void fill(String topic, int n, String prefix) {
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            List<RgbImage> images = BenchModel.images(64, 32, 7);
            for (int i = 0; i < n; i++) {
                send(producer, topic, prefix + i, images.get(i % images.size()), Instant.now());
            }
        }
    }

    /** Offers images at {@code rate} until told to stop. */
    void offerFor(String topic, double rate, AtomicBoolean stop) {
        List<RgbImage> images = BenchModel.images(64, 32, 13);
        long interval = (long) (1e9 / rate);
        long next = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = producer(Map.of(ProducerConfig.LINGER_MS_CONFIG, 0))) {
            for (int i = 0; !stop.get(); i++) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                next += interval;
                send(producer, topic, "w" + i, images.get(i % images.size()), Instant.now());
            }
        }
    }

    /** Offers {@code total} images at {@code rate}. */
    void offer(String topic, int total, double rate) {
        List<RgbImage> images = BenchModel.images(64, 32, 11);
        long interval = (long) (1e9 / rate);
        long next = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = producer(Map.of(ProducerConfig.LINGER_MS_CONFIG, 0))) {
            for (int i = 0; i < total; i++) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                next += interval;
                send(producer, topic, "l" + i, images.get(i % images.size()), Instant.now());
            }
        }
    }

    private KafkaProducer<byte[], byte[]> producer() {
        return producer(Map.of());
    }

    private KafkaProducer<byte[], byte[]> producer(Map<String, Object> extra) {
        Map<String, Object> own =
                new HashMap<>(Map.of(ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5));
        own.putAll(extra);
        return new KafkaProducer<>(kafka.producer(own), new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static void send(
            KafkaProducer<byte[], byte[]> producer, String topic, String id, RgbImage image, Instant eventTime) {
        ImageEvent event = ImageEvent.newBuilder()
                .setId(id)
                .setEventTime(eventTime)
                .setWidth(32)
                .setHeight(32)
                .setChannels(3)
                .setPixelFormat(PixelFormat.RGB8_CHW)
                .setPixels(ByteBuffer.wrap(image.chw()))
                .setLabel(null)
                .setAttributes(Map.of())
                .build();
        producer.send(new ProducerRecord<>(
                topic, id.getBytes(StandardCharsets.UTF_8), FoveaRecords.IMAGE_EVENT.encode(event)));
    }
}
