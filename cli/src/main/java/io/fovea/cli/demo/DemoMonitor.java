package io.fovea.cli.demo;

import io.fovea.avro.Prediction;
import io.fovea.bench.Percentiles;
import io.fovea.core.console.StatusLine;
import io.fovea.schemas.serde.FoveaRecords;
import io.fovea.schemas.serde.UndecodableRecordException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Watches what a downstream consumer would see (read_committed predictions and dead letters),
 * keeps the demo's one live status line, and holds the numbers of the closing summary.
 */
final class DemoMonitor implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String predictionsTopic;
    private final List<Double> latencies = new ArrayList<>();
    private final Map<String, long[]> byVersion = new TreeMap<>(); // version -> {correct, labelled, predicted}
    private long predictions;
    private long deadLetters;
    private long unreadable;
    private long firstAt;
    private long lastAt;
    private StatusLine statusLine;

    DemoMonitor(String bootstrap, String predictionsTopic, String deadLettersTopic) {
        this.predictionsTopic = predictionsTopic;
        this.consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "fovea-demo-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        consumer.subscribe(Set.of(predictionsTopic, deadLettersTopic));
    }

    /** Reads for up to {@code wait}; updates the status line at most once a second. */
    void poll(Duration wait, String serving, PrintWriter status) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(wait)) {
            long now = System.currentTimeMillis();
            firstAt = firstAt == 0 ? now : firstAt;
            lastAt = now;
            if (!record.topic().equals(predictionsTopic)) {
                deadLetters++;
                continue;
            }
            Prediction p;
            try {
                p = FoveaRecords.PREDICTION.decode(record.value());
            } catch (UndecodableRecordException e) {
                unreadable++; // a neighbour's record on the demo's topic: counted, never fatal
                continue;
            }
            predictions++;
            latencies.add((double) (now - p.getEventTime().toEpochMilli()));
            long[] counts = byVersion.computeIfAbsent(p.getModelName() + "@" + p.getModelVersion(), v -> new long[3]);
            counts[2]++;
            if (p.getTrueLabel() != null) {
                counts[1]++;
                counts[0] += p.getTrueLabel() == p.getLabelIndex() ? 1 : 0;
            }
        }
        status(status)
                .update(() -> String.format(
                        "%,8d classified | %,5d dead letters | %6.1f img/s | p99 %5.0f ms | accuracy %s | serving %s",
                        predictions, deadLetters, throughput(), percentile(99), accuracy(), serving));
    }

    private StatusLine status(PrintWriter out) {
        if (statusLine == null) {
            statusLine = StatusLine.on(out);
        }
        return statusLine;
    }

    long seen() {
        return predictions + deadLetters;
    }

    long predictions() {
        return predictions;
    }

    /** Records on the output topics that are not a Fovea prediction (someone else wrote them). */
    long unreadable() {
        return unreadable;
    }

    long deadLetters() {
        return deadLetters;
    }

    double throughput() {
        return lastAt > firstAt ? 1000.0 * (predictions + deadLetters) / (lastAt - firstAt) : 0;
    }

    double percentile(double p) {
        List<Double> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        return Percentiles.nearestRank(sorted, p);
    }

    private String accuracy() {
        long correct = byVersion.values().stream().mapToLong(c -> c[0]).sum();
        long labelled = byVersion.values().stream().mapToLong(c -> c[1]).sum();
        return labelled == 0 ? "  -  " : String.format("%.3f", (double) correct / labelled);
    }

    /** version -> {correct, labelled, predicted} */
    Map<String, long[]> byVersion() {
        return byVersion;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
