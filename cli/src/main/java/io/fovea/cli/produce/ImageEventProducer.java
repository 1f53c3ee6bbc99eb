package io.fovea.cli.produce;

import io.fovea.avro.ImageEvent;
import io.fovea.core.dataset.Dataset;
import io.fovea.core.dataset.DatasetItem;
import io.fovea.core.events.ImageEvents;
import io.fovea.schemas.kafka.KafkaConnection;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends a dataset's images as {@link ImageEvent}s, keyed by event id. Idempotent with acks=all,
 * so a retried send is never written twice; any failed send fails the whole run after a flush.
 */
public final class ImageEventProducer implements AutoCloseable {
    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final ProducedFormat format;

    public ImageEventProducer(KafkaConnection kafka, String topic) {
        this(kafka, topic, ProducedFormat.named("single-object", kafka, topic));
    }

    public ImageEventProducer(KafkaConnection kafka, String topic, ProducedFormat format) {
        this.topic = topic;
        this.format = format;
        this.producer = new KafkaProducer<>(
                kafka.producer(Map.of(
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        true,
                        ProducerConfig.LINGER_MS_CONFIG,
                        5,
                        ProducerConfig.COMPRESSION_TYPE_CONFIG,
                        "lz4",
                        ProducerConfig.CLIENT_ID_CONFIG,
                        "fovea-produce")),
                new StringSerializer(),
                new ByteArraySerializer());
    }

    /**
     * Produces up to {@code limit} images of the dataset.
     *
     * @param ratePerSecond at most this many events a second; 0 for as fast as possible
     * @param idPrefix event ids are {@code idPrefix/origin}, e.g. {@code r1/test_batch.bin#7}
     * @param onSent told the running count after each send is handed to the client
     * @return how many events the broker acknowledged
     */
    public long produce(Dataset dataset, long limit, double ratePerSecond, String idPrefix, LongConsumer onSent) {
        AtomicReference<Exception> firstFailure = new AtomicReference<>();
        long intervalNanos = ratePerSecond > 0 ? (long) (1e9 / ratePerSecond) : 0;
        long nextSendAt = System.nanoTime();
        long sent = 0;
        try (Stream<DatasetItem> items = dataset.items().limit(limit)) {
            for (DatasetItem item : (Iterable<DatasetItem>) items::iterator) {
                if (firstFailure.get() != null) {
                    break;
                }
                nextSendAt = pace(nextSendAt, intervalNanos);
                String id = idPrefix + "/" + item.origin();
                ImageEvent event =
                        ImageEvents.fromDatasetItem(id, item, dataset.labels().get(item.label()), Instant.now());
                producer.send(format.record(topic, event), (metadata, error) -> {
                    if (error != null) {
                        firstFailure.compareAndSet(null, error);
                    }
                });
                onSent.accept(++sent);
            }
        }
        producer.flush();
        if (firstFailure.get() != null) {
            throw new IllegalStateException(
                    "sending to " + topic + " failed: " + firstFailure.get().getMessage(), firstFailure.get());
        }
        return sent;
    }

    private static long pace(long nextSendAt, long intervalNanos) {
        if (intervalNanos == 0) {
            return nextSendAt;
        }
        long wait = nextSendAt - System.nanoTime();
        if (wait > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        return nextSendAt + intervalNanos;
    }

    @Override
    public void close() {
        producer.close();
    }
}
