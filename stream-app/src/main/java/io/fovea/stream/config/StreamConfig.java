package io.fovea.stream.config;

import static io.fovea.stream.config.ModelOptions.MODEL_BACKEND;
import static io.fovea.stream.config.StreamOptions.APPLICATION_ID;
import static io.fovea.stream.config.StreamOptions.BATCH_CLOSE_WHEN_QUEUE_EMPTY;
import static io.fovea.stream.config.StreamOptions.BOOTSTRAP_SERVERS;
import static io.fovea.stream.config.StreamOptions.COMMIT_INTERVAL_BACKLOG_MS;
import static io.fovea.stream.config.StreamOptions.COMMIT_INTERVAL_MS;
import static io.fovea.stream.config.StreamOptions.INSTANCE_ID;
import static io.fovea.stream.config.StreamOptions.MAX_BATCH_WAIT_MS;
import static io.fovea.stream.config.StreamOptions.MAX_DECODED_BYTES;
import static io.fovea.stream.config.StreamOptions.MAX_IMAGE_PIXELS;
import static io.fovea.stream.config.StreamOptions.NUM_STREAM_THREADS;
import static io.fovea.stream.config.StreamOptions.PROCESSING_GUARANTEE;
import static io.fovea.stream.config.StreamOptions.STATE_DIR;

import io.fovea.schemas.kafka.KafkaConnection;
import io.fovea.stream.batch.ClassifySettings;
import io.fovea.stream.batch.CommitPace;
import io.fovea.stream.batch.WaitAllowance;
import io.fovea.stream.metrics.StreamMetrics;
import io.fovea.stream.model.backend.BackendSettings;
import io.fovea.stream.model.backend.Backends;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The stream app's settings, each read as its {@link StreamOptions option}'s type: {@code
 * config.get(StreamOptions.MAX_BATCH_SIZE)}. Values come from {@link ConfigSources}; keys
 * starting {@code kafka.} go to Kafka's clients without the prefix ({@link KafkaSettings}).
 */
public final class StreamConfig {
    private final Map<String, Object> values = new HashMap<>();
    private final Map<String, String> kafka;

    private StreamConfig(Map<String, String> text) {
        StreamOptions.ALL.forEach(option -> values.put(option.key(), option.parse(text.get(option.key()))));
        this.kafka = KafkaSettings.unprefixed(text);
        if (get(BOOTSTRAP_SERVERS).isBlank()) {
            throw new IllegalArgumentException(
                    BOOTSTRAP_SERVERS.key() + " is required (--bootstrap, FOVEA_BOOTSTRAP_SERVERS or the config file)");
        }
        Backends.named(get(MODEL_BACKEND)); // an unknown backend is named at start, with the registered ones
        decodeLimits(); // one image at the pixel limit must fit the cap
    }

    /** Defaults, then the file (if any), then environment, then the explicit overrides. */
    public static StreamConfig load(Path file, Map<String, String> environment, Map<String, String> overrides) {
        return new StreamConfig(ConfigSources.merge(file, environment, overrides));
    }

    public static StreamConfig of(Map<String, String> overrides) {
        return load(null, Map.of(), overrides);
    }

    /** The value of {@code option}, as its type. */
    @SuppressWarnings("unchecked")
    public <T> T get(ConfigOption<T> option) {
        return (T) values.get(option.key());
    }

    /** The object store's settings (store.*), as given; empty ones take the store's defaults. */
    public Map<String, String> storeSettings() {
        return asText(StoreOptions.ALL);
    }

    /** The values of {@code options} as text, by key: for those that read settings by name. */
    private Map<String, String> asText(List<ConfigOption<?>> options) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (ConfigOption<?> option : options) {
            settings.put(option.key(), String.valueOf(values.get(option.key())));
        }
        return settings;
    }

    /** The pixel limit of one image and the decoded-bytes cap of the instance, {@code auto} resolved. */
    public DecodeLimits decodeLimits() {
        return DecodeLimits.of(
                get(MAX_IMAGE_PIXELS),
                get(MAX_DECODED_BYTES),
                Runtime.getRuntime().maxMemory());
    }

    /** Full batches that may wait for a pass ({@code inference.queue.batches}), {@code 0} resolved. */
    public int queueBatches() {
        int batches = get(ModelOptions.INFERENCE_QUEUE_BATCHES);
        return batches > 0 ? batches : get(ModelOptions.INFERENCE_PASSES);
    }

    /**
     * Kafka's {@code group.instance.id} for this instance, or null for dynamic membership. The
     * default names the host and the state folder: stable across restarts of one instance, and
     * distinct between instances on one host, which cannot share a state folder.
     */
    public String instanceId() {
        String id = get(INSTANCE_ID).trim();
        if (id.equalsIgnoreCase(StreamOptions.DYNAMIC)) {
            return null;
        }
        if (!id.isEmpty()) {
            return id;
        }
        String host = System.getenv().getOrDefault("HOSTNAME", "");
        if (host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "localhost";
            }
        }
        String folder = Path.of(get(STATE_DIR)).toAbsolutePath().normalize().toString();
        return host + "-" + Integer.toHexString(folder.hashCode());
    }

    /**
     * When the processors ask for commits ahead of Kafka Streams' interval: every
     * commit.interval.ms unless the model is backlogged; never when the backlog pace is no slower.
     */
    public CommitPace commitPace(Predicate<Duration> modelBackloggedFor, StreamMetrics metrics) {
        Duration interval = get(COMMIT_INTERVAL_MS);
        return get(COMMIT_INTERVAL_BACKLOG_MS).compareTo(interval) > 0
                ? new CommitPace(interval, modelBackloggedFor, metrics)
                : CommitPace.STREAMS_OWN;
    }

    /**
     * How long a stream thread may wait for the model: under exactly-once, until half the
     * producer's transaction timeout after its last commit (Kafka Streams' own 10 s unless a
     * {@code kafka.*} setting changes it); at least once, without a limit.
     */
    public WaitAllowance waitAllowance() {
        if (!StreamsConfig.EXACTLY_ONCE_V2.equals(get(PROCESSING_GUARANTEE))) {
            return WaitAllowance.UNLIMITED;
        }
        int timeout = streamsProducer(streamsProperties()).getInt(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG);
        return WaitAllowance.within(Duration.ofMillis(timeout));
    }

    /**
     * Exactly what Kafka Streams gives its producer from {@code streamsProperties}, the producer's
     * own defaults filled in: the limits and timeouts serve must respect are the ones it gets.
     */
    public static ProducerConfig streamsProducer(Properties streamsProperties) {
        Map<String, Object> producer = new HashMap<>(new StreamsConfig(streamsProperties).getProducerConfigs("fovea"));
        producer.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        producer.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return new ProducerConfig(producer);
    }

    /** The backends as configured: which runs a version, and the settings they open it with (onnx.*). */
    public Backends backends() {
        return Backends.preferring(get(MODEL_BACKEND), new BackendSettings(asText(StreamOptions.ALL)));
    }

    /** What the main consumer's fetch waits for (about 20 images of 32x32; one image of 224x224 is over it alone). */
    public static final int FETCH_MIN_BYTES = 64 * 1024;

    /** Kafka's own default wait for fetch.min.bytes: a longer max.batch.wait.ms does not lengthen it. */
    static final long FETCH_MAX_WAIT_LIMIT_MS = 500;

    /** A kafka.* setting of a fetch's minimum or wait, for any of Kafka Streams' consumers: then it sets both. */
    private static boolean tunesFetch(String kafkaKey) {
        return kafkaKey.endsWith(ConsumerConfig.FETCH_MIN_BYTES_CONFIG)
                || kafkaKey.endsWith(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG);
    }

    /** The Kafka Streams configuration: our settings that are Kafka's, then every kafka.* setting. */
    public Properties streamsProperties() {
        Properties p = new Properties();
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, get(BOOTSTRAP_SERVERS));
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, get(APPLICATION_ID));
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, get(PROCESSING_GUARANTEE));
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, get(NUM_STREAM_THREADS));
        // Kafka Streams commits at the slower pace; the processors ask for the faster one (CommitPace)
        p.put(
                StreamsConfig.COMMIT_INTERVAL_MS_CONFIG,
                Math.max(
                        get(COMMIT_INTERVAL_MS).toMillis(),
                        get(COMMIT_INTERVAL_BACKLOG_MS).toMillis()));
        p.put(StreamsConfig.STATE_DIR_CONFIG, get(STATE_DIR));
        // The stream thread waits in poll() at most this long when no records come: its next turn
        // is when the tasks look at their batches (a batch next in line for the model, or a
        // prediction made, waits no longer than that). Never above Kafka's own default (100 ms): a
        // long wait would also hold a stopping app in poll() past its shutdown timeout.
        long look = ClassifySettings.lookEvery(get(BATCH_CLOSE_WHEN_QUEUE_EMPTY), get(MAX_BATCH_WAIT_MS))
                .toMillis();
        p.put(StreamsConfig.POLL_MS_CONFIG, Math.min(100, look));
        if (kafka.keySet().stream().noneMatch(StreamConfig::tunesFetch)) {
            // A paced producer's records would each answer a fetch of their own: the stream thread
            // and the broker then pay a fetch per image, out of the model's share of the cores.
            // The main consumer's fetch waits for a few images' bytes or a batch's deadline.
            p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MIN_BYTES_CONFIG), FETCH_MIN_BYTES);
            p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), (int)
                    Math.min(FETCH_MAX_WAIT_LIMIT_MS, get(MAX_BATCH_WAIT_MS).toMillis()));
        }
        String instance = instanceId();
        if (instance != null) {
            // Static membership: a restarted instance rejoins as itself, without waiting out the
            // old member's session (45 s by default) and without moving any other partitions.
            p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instance);
        }
        p.putAll(kafka);
        return p;
    }

    /**
     * The cluster as every client of the process but Kafka Streams sees it: the bootstrap
     * servers and the kafka.* settings (security, timeouts), each client taking the ones it knows.
     */
    public KafkaConnection connection() {
        Map<String, String> settings = new LinkedHashMap<>(kafka);
        settings.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, get(BOOTSTRAP_SERVERS));
        return KafkaConnection.of(settings);
    }
}
