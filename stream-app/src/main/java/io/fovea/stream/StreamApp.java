package io.fovea.stream;

import io.fovea.core.release.ReleaseCheck;
import io.fovea.core.store.ModelStore;
import io.fovea.schemas.kafka.KafkaFailures;
import io.fovea.schemas.kafka.TopicCreator;
import io.fovea.stream.batch.ClassifyProcessor;
import io.fovea.stream.config.DecodeLimits;
import io.fovea.stream.config.StreamConfig;
import io.fovea.stream.config.StreamOptions;
import io.fovea.stream.errors.ErrorRouting;
import io.fovea.stream.errors.ProcessingErrors;
import io.fovea.stream.errors.ProductionErrors;
import io.fovea.stream.limits.ClusterAccess;
import io.fovea.stream.limits.ClusterLimits;
import io.fovea.stream.limits.DecodedMemory;
import io.fovea.stream.limits.RecordLimit;
import io.fovea.stream.limits.SizeBudget;
import io.fovea.stream.metrics.HttpEndpoints;
import io.fovea.stream.metrics.ProcessMetrics;
import io.fovea.stream.metrics.StreamMetrics;
import io.fovea.stream.model.CanaryGuard;
import io.fovea.stream.model.InferenceWorker;
import io.fovea.stream.model.ModelRunner;
import io.fovea.stream.model.ModelRunners;
import io.fovea.stream.model.ModelSlot;
import io.fovea.stream.model.ModelSwapper;
import io.fovea.stream.model.RolloutFollowing;
import io.fovea.stream.validate.ImageValidator;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndFailExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running stream app: topics checked, model in its slot, one inference thread, Kafka
 * Streams, and the HTTP port. {@link #close()} drains: the batch being classified completes and
 * is committed; images still pending stay in the changelog for whoever takes the partitions.
 */
public final class StreamApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamApp.class);

    private final StreamConfig config;
    private final ModelSlot model;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final StreamMetrics metrics;
    private final InferenceWorker worker;
    private final KafkaStreams streams;
    private final KafkaStreamsMetrics streamsMetrics;
    private final ProcessMetrics processMetrics;
    private final HttpEndpoints http;
    private final SizeBudget budget;
    private final CountDownLatch failed = new CountDownLatch(1);
    private final CanaryGuard guard;
    private final ImageValidator validator;
    private RolloutFollowing releases;
    private volatile String failure;

    public StreamApp(StreamConfig config, ModelRunner initialModel) {
        this.config = config;
        this.model = new ModelSlot(initialModel);
        this.metrics = new StreamMetrics(registry, config.get(StreamOptions.ACCURACY_WINDOW));
        metrics.modelInService(initialModel.name(), initialModel.version());
        Properties properties = config.streamsProperties();
        // One Admin client for the start-up questions: partition counts and size limits.
        try (Admin admin = config.connection().newAdmin()) {
            ensureTopics(config, admin);
            new ClusterAccess()
                    .need(config.get(StreamOptions.INPUT_TOPIC), AclOperation.READ)
                    .need(config.get(StreamOptions.OUTPUT_TOPIC), AclOperation.WRITE)
                    .need(config.get(StreamOptions.SHADOW_TOPIC), AclOperation.WRITE)
                    .need(config.get(StreamOptions.DLQ_TOPIC), AclOperation.WRITE)
                    .check(admin);
            this.budget = sizeBudget(config, properties, admin);
        }
        LOG.info("Size budget: {}", budget.describe());
        properties.put(
                ErrorRouting.CONFIG_KEY,
                new ErrorRouting(config.get(StreamOptions.DLQ_TOPIC), budget.deadLetters(), metrics));
        properties.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, ProcessingErrors.class);
        properties.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true); // Kafka 5.0's default
        properties.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, ProductionErrors.class);
        // Records are read as bytes, which cannot fail to deserialize: anything else is a defect.
        properties.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndFailExceptionHandler.class);
        this.worker = new InferenceWorker(model, config.get(StreamOptions.MAX_BATCH_SIZE), metrics);
        this.guard = new CanaryGuard(model::lineup);
        DecodeLimits decode = config.decodeLimits();
        LOG.info("Decode limits: {}", decode);
        this.validator = new ImageValidator(budget.maxPayloadBytes(), decode.maxImagePixels());
        ClassifyProcessor.Settings settings = new ClassifyProcessor.Settings(
                config.get(StreamOptions.INPUT_TOPIC),
                FoveaTopology.PENDING_STORE,
                config.get(StreamOptions.MAX_BATCH_SIZE),
                config.get(StreamOptions.MAX_BATCH_WAIT_MS),
                config.get(StreamOptions.TOP_K),
                validator,
                budget,
                new DecodedMemory(decode.maxDecodedBytes()),
                worker,
                guard,
                metrics);
        this.streams = new KafkaStreams(FoveaTopology.build(config, settings), properties);
        this.streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(registry);
        this.processMetrics = new ProcessMetrics(registry);
        streams.setUncaughtExceptionHandler(e -> {
            // Kafka Streams logs the exception itself; this adds the one line an operator can act on.
            KafkaFailures.explain(e).ifPresent(why -> {
                failure = why;
                LOG.error(why);
            });
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.setStateListener((now, before) -> {
            LOG.info("Kafka Streams {} -> {}", before, now);
            if (now == KafkaStreams.State.ERROR) {
                LOG.error("Kafka Streams stopped on an error it cannot get past (logged above, with what to do); "
                        + "/health now answers 503. Nothing committed is lost: fix the cause and restart serve.");
                failed.countDown();
            }
        });
        int port = config.get(StreamOptions.HTTP_PORT);
        this.http = port < 0
                ? null
                : new HttpEndpoints(
                        config.get(StreamOptions.HTTP_BIND_ADDRESS), port, registry, this::isAlive, this::isReady);
    }

    /** Warms up (see {@link WarmUp}), then starts Kafka Streams: the instance joins the group warm. */
    public StreamApp start() {
        WarmUp.run(
                validator,
                model.get(),
                config.get(StreamOptions.MAX_BATCH_SIZE),
                config.get(StreamOptions.TOP_K),
                config.get(StreamOptions.WARM_UP_MS));
        streams.start();
        return this;
    }

    /**
     * Serves whatever the releases topic says for this model from now on: the state it holds now
     * before returning, then each promotion, rollback, canary and shadow is loaded, checked and
     * swapped in between batches (see {@link RolloutFollowing}). Called before {@link #start()},
     * the first record already meets that state.
     */
    public StreamApp followReleases(ModelStore store, String modelName) {
        ModelRunners runners = config.modelRunners();
        ModelSwapper swapper =
                new ModelSwapper((name, version) -> runners.open(store, name, version), worker, model, metrics);
        try (Admin admin = config.connection().newAdmin()) {
            TopicCreator.ensure(admin, config.get(StreamOptions.RELEASES_TOPIC), 1, true);
            new ClusterAccess()
                    .need(config.get(StreamOptions.RELEASES_TOPIC), AclOperation.READ)
                    .check(admin);
        }
        releases = new RolloutFollowing(
                        config.connection(),
                        config.get(StreamOptions.RELEASES_TOPIC),
                        store,
                        modelName,
                        swapper,
                        guard,
                        new ReleaseCheck(store, metrics::releaseIgnored))
                .start();
        return this;
    }

    /** For tests and tools: switch versions as a release would. */
    public CompletableFuture<ModelSwapper.Outcome> requestVersion(String modelName, int version) {
        if (releases == null) {
            throw new IllegalStateException("not following releases");
        }
        return releases.request(version);
    }

    /** Waits until Kafka Streams is RUNNING (assigned, restored, processing). */
    public void awaitRunning(Duration timeout) {
        awaitRunning(streams::state, timeout);
    }

    /** Waits until a Kafka Streams client, ours or another, reports RUNNING. */
    public static void awaitRunning(Supplier<KafkaStreams.State> state, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (state.get() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Kafka Streams not RUNNING after " + timeout + ": " + state.get());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Kafka Streams", e);
            }
        }
    }

    /** Waits until Kafka Streams fails for good (state ERROR); for serve, which then exits non-zero. */
    public void awaitFailure() throws InterruptedException {
        failed.await();
    }

    /** Why Kafka Streams failed for good, when it is a failure the operator can fix; else null. */
    public String failure() {
        return failure;
    }

    public boolean isAlive() {
        KafkaStreams.State state = streams.state();
        return state != KafkaStreams.State.ERROR && state != KafkaStreams.State.NOT_RUNNING;
    }

    public boolean isReady() {
        return model.get() != null && streams.state() == KafkaStreams.State.RUNNING;
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** Input partitions this instance processes now; a joining instance has none until the rebalance gives it some. */
    public int activeTasks() {
        return streams.metadataForLocalThreads().stream()
                .mapToInt(thread -> thread.activeTasks().size())
                .sum();
    }

    public int httpPort() {
        return http == null ? -1 : http.port();
    }

    /** Where /metrics, /health and /ready really listen ({@code http://0.0.0.0:8080}), or null when off. */
    public String httpUrl() {
        return http == null ? null : http.baseUrl();
    }

    public StreamMetrics metrics() {
        return metrics;
    }

    public ModelSlot model() {
        return model;
    }

    private static void ensureTopics(StreamConfig config, Admin admin) {
        TopicCreator.ensure(admin, config.get(StreamOptions.INPUT_TOPIC), 4, false);
        int partitions = partitionsOf(admin, config.get(StreamOptions.INPUT_TOPIC));
        TopicCreator.ensure(admin, config.get(StreamOptions.OUTPUT_TOPIC), partitions, false);
        TopicCreator.ensure(admin, config.get(StreamOptions.DLQ_TOPIC), partitions, false);
        TopicCreator.ensure(admin, config.get(StreamOptions.SHADOW_TOPIC), partitions, false);
    }

    /** The changelog Kafka Streams keeps the pending images in. */
    public static String pendingChangelog(StreamConfig config) {
        return config.get(StreamOptions.APPLICATION_ID) + "-" + FoveaTopology.PENDING_STORE + "-changelog";
    }

    /** Reads the cluster's limits and refuses settings that cannot work together. */
    private static SizeBudget sizeBudget(StreamConfig config, Properties properties, Admin admin) {
        String changelog = pendingChangelog(config);
        String output = config.get(StreamOptions.OUTPUT_TOPIC);
        String shadow = config.get(StreamOptions.SHADOW_TOPIC);
        String dlq = config.get(StreamOptions.DLQ_TOPIC);
        OptionalLong payload = config.get(StreamOptions.MAX_PAYLOAD_BYTES); // empty: auto
        Map<String, RecordLimit> limits =
                new ClusterLimits(admin, properties).of(List.of(changelog, output, shadow, dlq));
        return SizeBudget.of(
                limits.get(changelog),
                limits.get(output),
                limits.get(shadow),
                limits.get(dlq),
                payload.isEmpty() ? null : payload.getAsLong(),
                StreamOptions.MAX_PAYLOAD_BYTES.key());
    }

    public SizeBudget sizeBudget() {
        return budget;
    }

    private static int partitionsOf(Admin admin, String topic) {
        try {
            return admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get()
                    .get(topic)
                    .partitions()
                    .size();
        } catch (Exception e) {
            throw new IllegalStateException("cannot describe topic " + topic + ": " + e.getMessage(), e);
        }
    }

    /** Stops within the configured shutdown timeout. */
    @Override
    public void close() {
        if (releases != null) {
            releases.close();
        }
        Duration timeout = config.get(StreamOptions.SHUTDOWN_TIMEOUT_MS);
        boolean clean = streams.close(timeout);
        if (!clean) {
            LOG.warn("Kafka Streams did not stop within {}", timeout);
        }
        streamsMetrics.close();
        processMetrics.close();
        worker.close();
        if (http != null) {
            http.close();
        }
        model.lineup().closeAllBut(null); // the primary and any canary or shadow
    }
}
