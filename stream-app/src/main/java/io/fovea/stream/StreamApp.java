package io.fovea.stream;

import io.fovea.core.store.ModelStore;
import io.fovea.stream.batch.ClassifySettings;
import io.fovea.stream.config.DecodeLimits;
import io.fovea.stream.config.ModelOptions;
import io.fovea.stream.config.StreamConfig;
import io.fovea.stream.config.StreamOptions;
import io.fovea.stream.errors.ErrorRouting;
import io.fovea.stream.limits.DecodedMemory;
import io.fovea.stream.limits.SizeBudget;
import io.fovea.stream.metrics.HttpEndpoints;
import io.fovea.stream.metrics.ProcessMetrics;
import io.fovea.stream.metrics.StreamMetrics;
import io.fovea.stream.model.CanaryGuard;
import io.fovea.stream.model.InferenceWorker;
import io.fovea.stream.model.ModelRunner;
import io.fovea.stream.model.ModelSlot;
import io.fovea.stream.predict.OutputEncoding;
import io.fovea.stream.release.RolloutFollowing;
import io.fovea.stream.validate.ImageValidator;
import io.fovea.stream.validate.RegistryWriterSchemas;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Properties;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running stream app: topics checked, model in its slot, the inference threads, Kafka
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
    private final StreamsFailures failures;
    private final CanaryGuard guard;
    private final ImageValidator validator;
    /** The registry's writer schemas; null without schema.registry.url. */
    private final RegistryWriterSchemas registrySchemas;
    /** How predictions, shadow predictions and dead letters are written (output.format). */
    private final OutputEncoding output;

    private RolloutFollowing releases;

    public StreamApp(StreamConfig config, ModelRunner initialModel) {
        this.config = config;
        this.model = new ModelSlot(initialModel);
        this.metrics = new StreamMetrics(registry, config.get(StreamOptions.ACCURACY_WINDOW));
        metrics.modelInService(initialModel.name(), initialModel.version());
        Properties properties = config.streamsProperties();
        this.budget = ClusterSetup.prepare(config, properties);
        LOG.info("Size budget: {}", budget.describe());
        RegistrySetup registrySetup = RegistrySetup.of(config);
        this.registrySchemas = registrySetup.schemas();
        this.output = registrySetup.output();
        ErrorRouting.install(
                properties,
                new ErrorRouting(
                        config.get(StreamOptions.DLQ_TOPIC), budget.deadLetters(), metrics, output.deadLetters()));
        this.worker = new InferenceWorker(
                model,
                config.get(StreamOptions.MAX_BATCH_SIZE),
                config.get(ModelOptions.INFERENCE_PASSES),
                config.get(ModelOptions.INFERENCE_SPLIT_MIN_IMAGES),
                config.queueBatches(),
                metrics);
        LOG.info(
                "Inference: {} forward passes at once, batches of up to {}, up to {} of them waiting for a pass",
                config.get(ModelOptions.INFERENCE_PASSES),
                config.get(StreamOptions.MAX_BATCH_SIZE),
                config.queueBatches());
        this.guard = new CanaryGuard(model::lineup);
        DecodeLimits decode = config.decodeLimits();
        LOG.info("Decode limits: {}", decode);
        this.validator = new ImageValidator(
                budget.maxPayloadBytes(),
                decode.maxImagePixels(),
                config.get(StreamOptions.INPUT_FORMATS),
                registrySetup.writerSchemas());
        try {
            this.streams = new KafkaStreams(FoveaTopology.build(config, classifySettings(decode)), properties);
        } catch (StreamsException e) {
            worker.close();
            if (registrySchemas != null) {
                registrySchemas.close();
            }
            throw StreamsFailures.stateDirRefused(config, e);
        }
        if (registrySchemas != null) {
            registrySchemas.listen(new PauseWhileRegistryDown(streams));
        }
        this.streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(registry);
        this.processMetrics = new ProcessMetrics(registry);
        this.failures = StreamsFailures.watch(streams);
        int port = config.get(StreamOptions.HTTP_PORT);
        this.http = port < 0
                ? null
                : new HttpEndpoints(
                        config.get(StreamOptions.HTTP_BIND_ADDRESS), port, registry, this::isAlive, this::whyNotReady);
    }

    /** What each task's classify processor works with; one instance serves every task. */
    private ClassifySettings classifySettings(DecodeLimits decode) {
        return new ClassifySettings(
                config.get(StreamOptions.INPUT_TOPIC),
                FoveaTopology.PENDING_STORE,
                config.get(StreamOptions.MAX_BATCH_SIZE),
                config.get(StreamOptions.MAX_BATCH_WAIT_MS),
                config.get(StreamOptions.BATCH_CLOSE_WHEN_QUEUE_EMPTY),
                config.get(StreamOptions.TOP_K),
                validator,
                budget,
                new DecodedMemory(decode.maxDecodedBytes()),
                worker,
                guard,
                metrics,
                output,
                config.commitPace(worker::backloggedFor, metrics),
                config.waitAllowance());
    }

    /** Warms up (see {@link WarmUp}), then starts Kafka Streams: the instance joins the group warm. */
    public StreamApp start() {
        WarmUp.run(
                validator,
                budget,
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
        releases = ReleasesSetup.follow(config, store, modelName, model, worker, guard, metrics);
        return this;
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
        failures.await();
    }

    /** Why Kafka Streams failed for good, when it is a failure the operator can fix; else null. */
    public String failure() {
        return failures.why();
    }

    public boolean isAlive() {
        KafkaStreams.State state = streams.state();
        return state != KafkaStreams.State.ERROR && state != KafkaStreams.State.NOT_RUNNING;
    }

    public boolean isReady() {
        return whyNotReady() == null;
    }

    /** Null when ready; else why not, for /ready's body. */
    public String whyNotReady() {
        if (model.get() == null) {
            return "no model loaded yet";
        }
        KafkaStreams.State state = streams.state();
        if (state != KafkaStreams.State.RUNNING) {
            return "Kafka Streams is " + state;
        }
        return registrySchemas == null ? null : registrySchemas.waitingBecause();
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

    public SizeBudget sizeBudget() {
        return budget;
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
        if (registrySchemas != null) {
            registrySchemas.close();
        }
        if (http != null) {
            http.close();
        }
        model.lineup().closeAllBut(null); // the primary and any canary or shadow
    }
}
