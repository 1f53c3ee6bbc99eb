package io.fovea.bench;

import io.fovea.avro.ImageEvent;
import io.fovea.avro.PixelFormat;
import io.fovea.core.image.RgbImage;
import io.fovea.schemas.kafka.KafkaConnection;
import io.fovea.schemas.serde.FoveaRecords;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The benchmarks' input: 32x32 raw images written to a topic, as fast as the producer goes or at a steady rate. */
final class ImageLoad {
    /** Writes of a fill, each of the images the ones before could not write. */
    private static final int FILL_ATTEMPTS = 3;

    private final KafkaConnection kafka;
    /** What every write takes its images from; null: random images, a set of their own for each kind of write. */
    private final BenchImages source;

    ImageLoad(KafkaConnection kafka) {
        this(kafka, null);
    }

    /** Images of {@code source} (each with its label, if it has them) for every kind of write; null for random ones. */
    ImageLoad(KafkaConnection kafka, BenchImages source) {
        this.kafka = kafka;
        this.source = source;
    }

    private BenchImages images(long seed) {
        return source != null ? source : BenchImages.random(64, seed);
    }

    /**
     * Writes {@code n} 32x32 raw images to {@code topic} as fast as the producer goes; ids start
     * with {@code prefix}. The broker may refuse a batch for good (Kafka 4 answers some of an
     * idempotent producer's first batches on a new partition with an out-of-order sequence until
     * their delivery times out): those images are written again, so the topic holds all {@code n}
     * and no run waits for images that were never there.
     */
    void fill(String topic, int n, String prefix) {
        BenchImages images = images(7);
        List<Integer> left = IntStream.range(0, n).boxed().toList();
        for (int attempt = 1; !left.isEmpty(); attempt++) {
            if (attempt > FILL_ATTEMPTS) {
                throw new IllegalStateException(left.size() + " of " + n + " images could not be written to " + topic
                        + " in " + FILL_ATTEMPTS + " attempts");
            }
            Deliveries deliveries = new Deliveries();
            try (KafkaProducer<byte[], byte[]> producer = producer()) {
                for (int i : left) {
                    send(producer, topic, prefix + i, images, i, Instant.now(), deliveries.of(i));
                }
            } // close() waits for every outcome
            left = deliveries.failed();
        }
    }

    /**
     * Offers images at {@code rate} until told to stop.
     *
     * @return how many the broker refused: each is a gap in the input, not in serve's output
     */
    int offerFor(String topic, double rate, AtomicBoolean stop) {
        return paced(topic, rate, "w", 13, i -> !stop.get()).failed().size();
    }

    /**
     * Offers {@code total} images at {@code rate}.
     *
     * @return how many the broker took: a paced load is not written again, so the caller waits for these only
     */
    int offer(String topic, int total, double rate) {
        return total - paced(topic, rate, "l", 11, i -> i < total).failed().size();
    }

    /** Writes image {@code i} at the rate's pace while {@code more} says so, one send at a time (as a camera would). */
    private Deliveries paced(String topic, double rate, String prefix, int seed, IntPredicate more) {
        BenchImages images = images(seed);
        long interval = (long) (1e9 / rate);
        long next = System.nanoTime();
        Deliveries deliveries = new Deliveries();
        try (KafkaProducer<byte[], byte[]> producer = producer(Map.of(ProducerConfig.LINGER_MS_CONFIG, 0))) {
            for (int i = 0; more.test(i); i++) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                next += interval;
                send(producer, topic, prefix + i, images, i, Instant.now(), deliveries.of(i));
            }
        } // close() waits for every outcome
        return deliveries;
    }

    /** The images whose write failed, by index, as the producer's callbacks report them. */
    private static final class Deliveries {
        private final List<Integer> failed = Collections.synchronizedList(new ArrayList<>());

        Callback of(int index) {
            return (metadata, exception) -> {
                if (exception != null) {
                    failed.add(index);
                }
            };
        }

        List<Integer> failed() {
            synchronized (failed) {
                return failed.stream().sorted().toList();
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
            KafkaProducer<byte[], byte[]> producer,
            String topic,
            String id,
            BenchImages images,
            int i,
            Instant eventTime,
            Callback outcome) {
        RgbImage image = images.image(i);
        ImageEvent event = ImageEvent.newBuilder()
                .setId(id)
                .setEventTime(eventTime)
                .setWidth(32)
                .setHeight(32)
                .setChannels(3)
                .setPixelFormat(PixelFormat.RGB8_CHW)
                .setPixels(ByteBuffer.wrap(image.chw()))
                .setLabel(images.label(i))
                .setAttributes(Map.of())
                .build();
        producer.send(
                new ProducerRecord<>(
                        topic, id.getBytes(StandardCharsets.UTF_8), FoveaRecords.IMAGE_EVENT.encode(event)),
                outcome);
    }
}
