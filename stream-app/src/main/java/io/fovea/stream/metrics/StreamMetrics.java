package io.fovea.stream.metrics;

import io.fovea.avro.DeadLetterReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The stream app's own meters (names as Prometheus shows them):
 * {@code fovea_records_in_total}, {@code fovea_predictions_total},
 * {@code fovea_dead_letters_total{reason}}, {@code fovea_dead_letters_truncated_total},
 * {@code fovea_stream_errors_total{handler,outcome}}, {@code fovea_batch_size} (images per forward pass),
 * {@code fovea_batches_closed_total{cause=size|deadline}},
 * {@code fovea_commit_looks_total{outcome=asked|backlogged}}, {@code fovea_queue_wait_seconds}
 * (arrival to forward pass), {@code fovea_model_wait_seconds} (closed batch waiting for the
 * model), {@code fovea_inference_seconds} (one forward pass), {@code fovea_latency_seconds}
 * (event time to prediction), {@code fovea_model_version{model}} and
 * {@code fovea_rolling_accuracy{model,version}}; canary and shadow meters are {@link TrialMetrics}.
 */
public final class StreamMetrics {
    private final MeterRegistry registry;
    private final Counter recordsIn;
    private final Counter predictions;
    private final DistributionSummary batchSize;
    private final Timer queueWait;
    private final Timer modelWait;
    private final Timer inference;
    private final Timer latency;
    private final Timer shadowInference;
    private final int accuracyWindow;
    private final Map<String, AtomicInteger> modelVersions = new ConcurrentHashMap<>();
    private final Map<String, RollingShare> accuracy = new ConcurrentHashMap<>();
    private final TrialMetrics trials;

    public StreamMetrics(MeterRegistry registry, int accuracyWindow) {
        this.registry = registry;
        this.accuracyWindow = accuracyWindow;
        recordsIn = Counter.builder("fovea.records.in")
                .description("input records read")
                .register(registry);
        predictions = Counter.builder("fovea.predictions")
                .description("predictions emitted")
                .register(registry);
        batchSize = DistributionSummary.builder("fovea.batch.size")
                .description("images per forward pass")
                .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128)
                .register(registry);
        queueWait = timer("fovea.queue.wait", "from arrival to the start of its forward pass");
        modelWait = timer("fovea.model.wait", "a closed batch waiting for the model thread");
        inference = timer("fovea.inference", "one forward pass");
        latency = timer("fovea.latency", "from event time to prediction");
        shadowInference = timer("fovea.shadow.inference", "one forward pass of the shadow version");
        trials = new TrialMetrics(registry, accuracyWindow);
    }

    /** Canary and shadow: versions side by side. */
    public TrialMetrics trials() {
        return trials;
    }

    private Timer timer(String name, String description) {
        return Timer.builder(name)
                .description(description)
                .publishPercentiles(0.5, 0.95, 0.99)
                .publishPercentileHistogram()
                .distributionStatisticExpiry(Duration.ofMinutes(1))
                .register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void recordIn() {
        recordsIn.increment();
    }

    /** {@code truncated}: the original was cut short to fit the dead-letter topic. */
    public void deadLetter(DeadLetterReason reason, boolean truncated) {
        Counter.builder("fovea.dead.letters")
                .tag("reason", reason.name())
                .register(registry)
                .increment();
        if (truncated) {
            Counter.builder("fovea.dead.letters.truncated")
                    .description("dead letters whose original was cut short")
                    .register(registry)
                    .increment();
        }
    }

    /** An image whose row of the model's output held NaN or an infinity, by the version that gave it. */
    public void nonFiniteOutput(String model, int version) {
        Counter.builder("fovea.model.non.finite.outputs")
                .tag("model", model)
                .tag("version", Integer.toString(version))
                .description("images whose model output held NaN or an infinity")
                .register(registry)
                .increment();
    }

    /**
     * An exception Kafka Streams handed to one of Fovea's handlers: {@code fovea_stream_errors_total}
     * by handler (processing, production) and outcome (dead_lettered, skipped_punctuation, fatal).
     */
    public void streamError(String handler, String outcome) {
        Counter.builder("fovea.stream.errors")
                .tag("handler", handler)
                .tag("outcome", outcome)
                .description("exceptions handled by Fovea's Kafka Streams handlers")
                .register(registry)
                .increment();
    }

    public void batchClosed(String cause) {
        Counter.builder("fovea.batches.closed")
                .tag("cause", cause)
                .register(registry)
                .increment();
    }

    /**
     * A stream thread with output not yet committed looked whether to ask for a commit:
     * {@code asked}, or {@code backlogged} (left to Kafka Streams' slower interval).
     */
    public void commitLook(boolean asked) {
        Counter.builder("fovea.commit.looks")
                .tag("outcome", asked ? "asked" : "backlogged")
                .register(registry)
                .increment();
    }

    /**
     * A stream thread held a batch back for a commit rather than wait on for the model: its
     * transaction would otherwise outlast the producer's timeout (see WaitAllowance).
     */
    public void waitCut() {
        Counter.builder("fovea.model.waits.cut").register(registry).increment();
    }

    /** A forward pass; a shadow's passes are timed apart, so that the served figures stay the served ones. */
    public void batch(int size, long inferenceNanos, boolean shadow) {
        if (shadow) {
            shadowInference.record(inferenceNanos, TimeUnit.NANOSECONDS);
            return;
        }
        batchSize.record(size);
        inference.record(inferenceNanos, TimeUnit.NANOSECONDS);
    }

    public void modelWait(long nanos) {
        modelWait.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void queueWait(long nanos) {
        queueWait.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** One prediction emitted; {@code correct} is null when the event had no ground truth. */
    public void predicted(String model, int version, long latencyMillis, Boolean correct) {
        predictions.increment();
        latency.record(Math.max(0, latencyMillis), TimeUnit.MILLISECONDS);
        if (correct != null) {
            accuracy.computeIfAbsent(model + "@" + version, key -> {
                        RollingShare rolling = new RollingShare(accuracyWindow);
                        Gauge.builder("fovea.rolling.accuracy", rolling, RollingShare::value)
                                .tag("model", model)
                                .tag("version", Integer.toString(version))
                                .description("accuracy over the last labelled predictions")
                                .register(registry);
                        return rolling;
                    })
                    .add(correct);
        }
    }

    /** A swap attempt: {@code fovea_model_swaps_total{result}} and {@code fovea_model_swap_seconds} (load, check, warm-up). */
    public void modelSwap(boolean swapped, double seconds) {
        Counter.builder("fovea.model.swaps")
                .tag("result", swapped ? "swapped" : "refused")
                .description("model versions put into service or refused")
                .register(registry)
                .increment();
        Timer.builder("fovea.model.swap")
                .description("loading, checking and warming up a new version")
                .register(registry)
                .record(Duration.ofNanos((long) (seconds * 1e9)));
    }

    /** A release the store does not vouch for, or an unreadable record, ignored: {@code fovea_releases_ignored_total}. */
    public void releaseIgnored() {
        Counter.builder("fovea.releases.ignored")
                .description(
                        "releases ignored: unreadable records, or a sha256 or a promotion the model store does not hold")
                .register(registry)
                .increment();
    }

    /** The version a model serves now. */
    public void modelInService(String model, int version) {
        modelVersions
                .computeIfAbsent(model, m -> {
                    AtomicInteger holder = new AtomicInteger();
                    Gauge.builder("fovea.model.version", holder, AtomicInteger::get)
                            .tag("model", m)
                            .description("model version in service")
                            .register(registry);
                    return holder;
                })
                .set(version);
    }
}
