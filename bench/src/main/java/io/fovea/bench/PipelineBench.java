package io.fovea.bench;

import static io.fovea.core.runtime.Blocking.join;

import io.fovea.avro.Prediction;
import io.fovea.schemas.kafka.KafkaConnection;
import io.fovea.schemas.kafka.TopicCreator;
import io.fovea.schemas.serde.FoveaRecords;
import io.fovea.stream.StreamApp;
import io.fovea.stream.config.KafkaSettings;
import io.fovea.stream.config.StreamConfig;
import io.fovea.stream.config.StreamOptions;
import io.fovea.stream.model.ModelRunner;
import io.micrometer.core.instrument.Timer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.function.LongPredicate;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;

/** The stream app end to end through a real broker: throughput from a pre-loaded topic, and latency under load. */
final class PipelineBench {
    static final int PARTITIONS = 4;
    private final KafkaConnection kafka;
    private final Path stateRoot;
    private final Map<String, String> settings;
    private final ImageLoad images;

    PipelineBench(KafkaConnection kafka, Path stateRoot) {
        this(kafka, stateRoot, Map.of());
    }

    /** @param settings stream app settings (docs/operations.md, "Configuration") for every run, over the benchmark's own */
    PipelineBench(KafkaConnection kafka, Path stateRoot, Map<String, String> settings) {
        this.settings = settings;
        this.kafka = kafka;
        this.stateRoot = stateRoot;
        this.images = new ImageLoad(kafka);
    }

    /** A new topic holding {@code n} 32x32 raw images. */
    String preload(int n) {
        return preload(kafka, images, n);
    }

    /** A new topic holding {@code n} 32x32 raw images of {@code images}. */
    static String preload(KafkaConnection kafka, ImageLoad images, int n) {
        String topic = "bench-images-" + UUID.randomUUID().toString().substring(0, 6);
        TopicCreator.ensure(kafka, topic, PARTITIONS, false);
        images.fill(topic, n, "b");
        return topic;
    }

    /**
     * A throughput run: images per second from RUNNING to the last prediction committed, the
     * share of that time the model spent in forward passes (under 1: it waited for images), and
     * the seconds the JIT compiler worked during the whole run, the app's start and close included.
     */
    record Run(double imagesPerSecond, double modelBusy, double compilingSeconds) {}

    /** A throughput run with batches of up to {@code batch}. */
    Run run(ModelRunner model, String topic, int events, int batch) {
        double compiledBefore = JitWarmUp.compilingSeconds();
        double imagesPerSecond;
        double modelBusy;
        String output = "bench-out-" + UUID.randomUUID().toString().substring(0, 6);
        try (StreamApp app = new StreamApp(config(topic, output, batch), new NonClosingModel(model))) {
            app.start();
            awaitRunning(app::state);
            Timer passes = app.metrics().registry().get("fovea.inference").timer();
            double inferenceBefore = passes.totalTime(TimeUnit.SECONDS);
            long start = System.nanoTime();
            awaitPredictions(output, () -> events, at -> true, null);
            double seconds = (System.nanoTime() - start) / 1e9;
            imagesPerSecond = events / seconds;
            modelBusy = (passes.totalTime(TimeUnit.SECONDS) - inferenceBefore) / seconds;
        }
        return new Run(imagesPerSecond, modelBusy, JitWarmUp.compilingSeconds() - compiledBefore);
    }

    /** Throughput of the per-record pattern (one model call per record), same topic, same guarantees. */
    double perRecordThroughput(ModelRunner model, String topic, int events) {
        String output = "bench-out-" + UUID.randomUUID().toString().substring(0, 6);
        TopicCreator.ensure(kafka, output, PARTITIONS, false);
        try (PerRecordBaseline baseline = new PerRecordBaseline(config(topic, output, 1), model)) {
            baseline.start();
            awaitRunning(baseline::state);
            long start = System.nanoTime();
            awaitPredictions(output, () -> events, at -> true, null);
            return events / ((System.nanoTime() - start) / 1e9);
        }
    }

    /** Latencies (ms, event time to prediction committed) at an offered load, after a warm-up. */
    List<Double> latency(ModelRunner model, int batch, double imagesPerSecond, Duration duration, Duration warmUp) {
        String topic = "bench-load-" + UUID.randomUUID().toString().substring(0, 6);
        String output = "bench-out-" + UUID.randomUUID().toString().substring(0, 6);
        TopicCreator.ensure(kafka, topic, PARTITIONS, false);
        int total = (int) (imagesPerSecond * (duration.toMillis() + warmUp.toMillis()) / 1000);
        List<Double> latencies = new ArrayList<>();
        try (StreamApp app = new StreamApp(config(topic, output, batch), new NonClosingModel(model))) {
            app.start();
            awaitRunning(app::state);
            long measureFrom = System.currentTimeMillis() + warmUp.toMillis();
            AtomicInteger offered = new AtomicInteger(total);
            Thread load = new Thread(() -> offered.set(images.offer(topic, total, imagesPerSecond)), "bench-load");
            load.start();
            awaitPredictions(output, offered::get, eventTime -> eventTime >= measureFrom, latencies);
            join(load);
        }
        return latencies;
    }

    /**
     * Reads committed predictions until {@code n} (asked again as they come: a paced load may end
     * with fewer images than it meant to write); collects event-to-now latency of those whose event
     * time passes the filter.
     */
    private void awaitPredictions(String output, IntSupplier n, LongPredicate measure, List<Double> latencies) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                kafka.consumer(Map.of(
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "bench-reader-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        // The broker answers a fetch as soon as committed data is there (fetch.min.bytes 1), so
                        // the default fetch.max.wait.ms costs no latency; a short one made this reader and the
                        // broker poll every few ms and take CPU from the app being measured.
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed")),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(Set.of(output));
            int seen = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (seen < n.getAsInt()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "only " + seen + " of " + n.getAsInt() + " predictions after 10 minutes");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    seen++;
                    if (latencies != null) {
                        long now = System.currentTimeMillis();
                        Prediction p = FoveaRecords.PREDICTION.decode(record.value());
                        long eventTime = p.getEventTime().toEpochMilli();
                        if (measure.test(eventTime)) {
                            latencies.add((double) (now - eventTime));
                        }
                    }
                }
            }
        }
    }

    private StreamConfig config(String topic, String output, int batch) {
        Map<String, String> all = new HashMap<>(KafkaSettings.fromClient(kafka.settings()));
        all.putAll(Map.ofEntries(
                Map.entry(StreamOptions.BOOTSTRAP_SERVERS.key(), kafka.bootstrapServers()),
                Map.entry(
                        StreamOptions.APPLICATION_ID.key(),
                        "bench-" + UUID.randomUUID().toString().substring(0, 6)),
                Map.entry(StreamOptions.INPUT_TOPIC.key(), topic),
                Map.entry(StreamOptions.OUTPUT_TOPIC.key(), output),
                Map.entry(StreamOptions.DLQ_TOPIC.key(), output + "-dlq"),
                Map.entry(StreamOptions.MAX_BATCH_SIZE.key(), Integer.toString(batch)),
                Map.entry(StreamOptions.STATE_DIR.key(), stateRoot.toString()),
                Map.entry(StreamOptions.HTTP_PORT.key(), "-1"),
                Map.entry(KafkaSettings.prefixed("auto.offset.reset"), "earliest")));
        all.putAll(settings);
        return StreamConfig.of(all);
    }

    private static void awaitRunning(Supplier<KafkaStreams.State> state) {
        StreamApp.awaitRunning(state, Duration.ofSeconds(60));
    }
}
