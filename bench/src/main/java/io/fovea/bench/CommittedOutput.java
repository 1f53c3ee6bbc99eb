package io.fovea.bench;

import io.fovea.avro.Prediction;
import io.fovea.schemas.kafka.KafkaConnection;
import io.fovea.schemas.serde.FoveaRecords;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Predictions on a topic as a downstream reader sees them (read_committed): when each arrived,
 * and how long after its image's event time. Whatever wrote them, serve or the plain loop, is
 * measured by the same clock.
 */
final class CommittedOutput implements AutoCloseable {
    private final Thread reader;
    private final AtomicInteger count = new AtomicInteger();
    /** Arrival of each prediction ({@link System#nanoTime()}), in order. */
    private final List<Long> arrivals = new ArrayList<>();
    /** Each prediction's times (epoch ms) as it reported them, and its arrival here. */
    private record Arrived(long event, long predicted, long arrived, long queueMillis, double inferenceMillis) {}

    private final List<Arrived> predictions = new ArrayList<>();

    private volatile boolean running = true;

    CommittedOutput(KafkaConnection kafka, String topic) {
        reader = new Thread(() -> read(kafka, topic), "committed-output");
        reader.setDaemon(true);
        reader.start();
    }

    private void read(KafkaConnection kafka, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                kafka.consumer(Map.of(
                        ConsumerConfig.GROUP_ID_CONFIG, "committed-output-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(Set.of(topic));
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    long nanos = System.nanoTime();
                    long millis = System.currentTimeMillis();
                    Prediction p = FoveaRecords.PREDICTION.decode(record.value());
                    synchronized (this) {
                        arrivals.add(nanos);
                        predictions.add(new Arrived(
                                p.getEventTime().toEpochMilli(),
                                p.getPredictionTime().toEpochMilli(),
                                millis,
                                p.getQueueMillis(),
                                p.getInferenceMillis()));
                    }
                    count.incrementAndGet();
                }
            }
        }
    }

    int count() {
        return count.get();
    }

    /** Waits until {@code n} predictions have arrived. */
    void await(int n, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (count() < n) {
            if (System.nanoTime() > deadline || !reader.isAlive()) {
                throw new IllegalStateException("only " + count() + " of " + n + " predictions within " + timeout);
            }
            io.fovea.core.runtime.Blocking.pause(Duration.ofMillis(10));
        }
    }

    /** Predictions per second from the arrival of the {@code from}-th to that of the {@code to}-th (1-based). */
    synchronized double rate(int from, int to) {
        return (to - from) / ((arrivals.get(to - 1) - arrivals.get(from - 1)) / 1e9);
    }

    /**
     * Latencies in ms, each ascending, of the predictions whose event time is at or after {@code
     * since}: event time to arrival, and its two parts, event time to the prediction's making (its
     * predictionTime, stamped before it is written) and from there to arrival (the write, the
     * commit that makes it visible, and the delivery); and two parts of the first, as the prediction
     * reports them: the wait for its batch to close, and its batch's forward pass.
     */
    record Latencies(
            List<Double> total,
            List<Double> toPrediction,
            List<Double> afterPrediction,
            List<Double> batchClose,
            List<Double> forwardPass) {}

    synchronized Latencies latencies(long since) {
        List<Double> total = new ArrayList<>();
        List<Double> toPrediction = new ArrayList<>();
        List<Double> afterPrediction = new ArrayList<>();
        List<Double> batchClose = new ArrayList<>();
        List<Double> forwardPass = new ArrayList<>();
        for (Arrived a : predictions) {
            if (a.event() >= since) {
                total.add((double) (a.arrived() - a.event()));
                toPrediction.add((double) (a.predicted() - a.event()));
                afterPrediction.add((double) (a.arrived() - a.predicted()));
                batchClose.add((double) a.queueMillis());
                forwardPass.add(a.inferenceMillis());
            }
        }
        return new Latencies(
                sorted(total), sorted(toPrediction), sorted(afterPrediction), sorted(batchClose), sorted(forwardPass));
    }

    private static List<Double> sorted(List<Double> values) {
        return values.stream().sorted().toList();
    }

    @Override
    public void close() {
        running = false;
        try {
            reader.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
