package io.fovea.bench;

import io.fovea.avro.Prediction;
import io.fovea.core.runtime.Blocking;
import io.fovea.schemas.kafka.KafkaConnection;
import io.fovea.schemas.serde.FoveaRecords;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * When each prediction on a topic was made and by which version, read (read_committed) as
 * they come. Answers the swap benchmark's questions: the longest pause in output over a period,
 * and the gap at a switch, from the last prediction of the old version to the first of the new.
 */
final class OutputTimeline implements AutoCloseable {
    /** A prediction as the reader saw it: when it was made, by which version, in what forward pass. */
    record Made(long millis, int version, int batchSize, double inferenceMillis) {}

    private final List<Made> made = new ArrayList<>();
    private final Thread reader;
    private volatile boolean running = true;

    OutputTimeline(KafkaConnection kafka, String topic) {
        reader = new Thread(() -> read(kafka, topic), "output-timeline");
        reader.start();
    }

    /** A timeline fed by hand ({@link #add}), for tests of the measurements. */
    OutputTimeline() {
        reader = null;
    }

    void add(Made prediction) {
        synchronized (made) {
            made.add(prediction);
        }
    }

    private void read(KafkaConnection kafka, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                kafka.consumer(Map.of(
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "output-timeline-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed")),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(Set.of(topic));
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                    Prediction p = FoveaRecords.PREDICTION.decode(record.value());
                    add(new Made(
                            p.getPredictionTime().toEpochMilli(),
                            p.getModelVersion(),
                            p.getBatchSize(),
                            p.getInferenceMillis()));
                }
            }
        }
    }

    /** Waits for a prediction made by {@code version} at or after {@code since} (epoch ms). */
    void awaitVersion(int version, long since, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (between(since, Long.MAX_VALUE).stream().noneMatch(m -> m.version() == version)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no prediction by version " + version + " within " + timeout);
            }
            Blocking.pause(Duration.ofMillis(20));
        }
    }

    /** How many predictions were made in [from, to). */
    int count(long from, long to) {
        synchronized (made) {
            return (int) made.stream()
                    .filter(m -> m.millis() >= from && m.millis() < to)
                    .count();
        }
    }

    /** Predictions made at or after {@code since}, oldest first. */
    List<Made> since(long since) {
        return between(since, Long.MAX_VALUE);
    }

    /** Longest time between two consecutive predictions made within [from, to]. */
    long longestGap(long from, long to) {
        List<Made> inside = between(from, to);
        long gap = 0;
        for (int i = 1; i < inside.size(); i++) {
            gap = Math.max(gap, inside.get(i).millis() - inside.get(i - 1).millis());
        }
        return gap;
    }

    /** What happened at a switch: the gap in output, and the new version's first forward pass. */
    record Switch(long gapMillis, int firstBatchSize, double firstInferenceMillis) {}

    /** In [from, to]: from the prediction before the first one by {@code version} to that one; null if none. */
    Switch switchAt(int version, long from, long to) {
        List<Made> inside = between(from, to);
        for (int i = 1; i < inside.size(); i++) {
            Made first = inside.get(i);
            if (first.version() == version) {
                return new Switch(
                        first.millis() - inside.get(i - 1).millis(), first.batchSize(), first.inferenceMillis());
            }
        }
        return null;
    }

    private List<Made> between(long from, long to) {
        synchronized (made) {
            return made.stream()
                    .filter(m -> m.millis() >= from && m.millis() <= to)
                    .sorted(Comparator.comparingLong(Made::millis))
                    .toList();
        }
    }

    @Override
    public void close() {
        running = false;
        if (reader == null) {
            return;
        }
        try {
            reader.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
