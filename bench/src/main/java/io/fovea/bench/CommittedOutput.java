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
    /** Each prediction's times (epoch ms) as it reported them, and its arrival here. */
    private record Arrived(long event, long predicted, long arrived, long queueMillis, double inferenceMillis) {}

    private final List<Arrived> predictions = new ArrayList<>();
    /** Predictions whose image came with its label, and of those, how many named it. */
    private long labelled;

    private long right;

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
                    long millis = System.currentTimeMillis();
                    Prediction p = FoveaRecords.PREDICTION.decode(record.value());
                    synchronized (this) {
                        if (p.getTrueLabel() != null) {
                            labelled++;
                            right += p.getLabelIndex() == p.getTrueLabel() ? 1 : 0;
                        }
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

    /** Share of the predictions of labelled images that named the image's label; NaN when none came labelled. */
    synchronized double top1() {
        return labelled == 0 ? Double.NaN : (double) right / labelled;
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

    /**
     * Predictions per second made (by their predictionTime) from {@code sinceMillis} to the last
     * one made. Not by arrival: a commit makes a whole interval's predictions visible at once, so
     * rates between two arrivals would count up to one commit's worth of predictions that were
     * made before the span, the more so the longer the commit interval.
     */
    synchronized double madeRate(long sinceMillis) {
        long lastMade = predictions.stream().mapToLong(Arrived::predicted).max().orElseThrow();
        return made(sinceMillis, lastMade) / ((lastMade - sinceMillis) / 1e3);
    }

    /** Predictions made (by their predictionTime) from {@code sinceMillis} to {@code untilMillis}, both included. */
    synchronized long made(long sinceMillis, long untilMillis) {
        return predictions.stream()
                .filter(a -> a.predicted() >= sinceMillis && a.predicted() <= untilMillis)
                .count();
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
