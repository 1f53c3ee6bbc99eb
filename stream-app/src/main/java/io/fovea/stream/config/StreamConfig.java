package io.fovea.stream.config;

import io.fovea.schemas.Topics;
import io.fovea.schemas.kafka.KafkaConnection;
import io.fovea.stream.model.backend.BackendSettings;
import io.fovea.stream.model.backend.Backends;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Every knob of the stream app, with its default. Values come from, in rising precedence: the
 * defaults below, a properties file, environment variables ({@code FOVEA_MAX_BATCH_SIZE} for
 * {@code max.batch.size}) and command-line flags. Keys starting {@code kafka.} go to Kafka
 * Streams with the prefix removed, e.g. {@code kafka.num.standby.replicas=1}.
 */
public final class StreamConfig {
    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String APPLICATION_ID = "application.id";
    public static final String INPUT_TOPIC = "input.topic";
    public static final String OUTPUT_TOPIC = "output.topic";
    public static final String DLQ_TOPIC = "dlq.topic";
    public static final String RELEASES_TOPIC = "releases.topic";
    public static final String SHADOW_TOPIC = "shadow.topic";
    public static final String WARM_UP_MS = "warm.up.ms";
    public static final String MAX_BATCH_SIZE = "max.batch.size";
    public static final String MAX_BATCH_WAIT_MS = "max.batch.wait.ms";
    public static final String TOP_K = "top.k";
    public static final String MAX_PAYLOAD_BYTES = "max.payload.bytes";
    public static final String MAX_IMAGE_PIXELS = "max.image.pixels";
    public static final String MAX_DECODED_BYTES = "max.decoded.bytes";
    public static final String PROCESSING_GUARANTEE = "processing.guarantee";
    public static final String NUM_STREAM_THREADS = "num.stream.threads";
    public static final String COMMIT_INTERVAL_MS = "commit.interval.ms";
    public static final String STATE_DIR = "state.dir";
    public static final String HTTP_PORT = "http.port";
    public static final String HTTP_BIND_ADDRESS = "http.bind.address";
    public static final String SHUTDOWN_TIMEOUT_MS = "shutdown.timeout.ms";
    public static final String ACCURACY_WINDOW = "accuracy.window";
    public static final String INSTANCE_ID = "instance.id";
    public static final String MODEL_BACKEND = "model.backend";
    public static final String ONNX_PROVIDER = "onnx.execution.provider";
    public static final String ONNX_DEVICE = "onnx.device";
    public static final String ONNX_THREADS = "onnx.threads";
    /** {@link #MAX_PAYLOAD_BYTES} value: as large as the changelog of pending images can hold; for the decode limits, sized from the heap. */
    public static final String AUTO = "auto";
    /** {@link #INSTANCE_ID} value: no static membership. */
    public static final String DYNAMIC = "dynamic";

    public static final String KAFKA_PREFIX = "kafka.";

    /** Key, default, meaning: docs/operations.md's configuration table is this list. */
    public static final Map<String, String[]> KNOBS = knobs();

    private final Map<String, String> values;

    private StreamConfig(Map<String, String> values) {
        this.values = values;
    }

    private static Map<String, String[]> knobs() {
        Map<String, String[]> k = new LinkedHashMap<>();
        k.put(BOOTSTRAP_SERVERS, new String[] {"", "Kafka bootstrap servers (required)"});
        k.put(APPLICATION_ID, new String[] {
            Topics.APPLICATION_ID, "Kafka Streams application id: consumer group, state and internal topic prefix"
        });
        k.put(INPUT_TOPIC, new String[] {Topics.IMAGES, "ImageEvents to classify"});
        k.put(OUTPUT_TOPIC, new String[] {Topics.PREDICTIONS, "where Predictions go"});
        k.put(DLQ_TOPIC, new String[] {Topics.DEAD_LETTERS, "where DeadLetters go"});
        k.put(SHADOW_TOPIC, new String[] {
            Topics.SHADOW_PREDICTIONS, "where a version under shadow sends its Predictions, never served"
        });
        k.put(RELEASES_TOPIC, new String[] {
            Topics.MODEL_RELEASES,
            "ModelRelease events followed for hot-swaps (unless the model is pinned with NAME@VERSION)"
        });
        k.put(MAX_BATCH_SIZE, new String[] {"32", "a batch closes when it holds this many images"});
        k.put(MAX_BATCH_WAIT_MS, new String[] {"10", "... or when its oldest image has waited this long"});
        k.put(TOP_K, new String[] {"3", "classes listed in each prediction's topK"});
        k.put(MAX_PAYLOAD_BYTES, new String[] {
            AUTO,
            "larger record values are dead-lettered as PAYLOAD_TOO_LARGE; auto: what the changelog of pending images can hold, read from the cluster at start"
        });
        k.put(MAX_IMAGE_PIXELS, new String[] {
            AUTO,
            "larger images (width*height) are dead-lettered as IMAGE_TOO_LARGE, before decoding; auto: the smaller of 4096x4096 and max heap / 4 / 15, so that one decode at the limit (ImageIO's image up to 8 bytes a pixel, the ARGB copy 4, the planar copy 3) takes at most a quarter of the heap"
        });
        k.put(MAX_DECODED_BYTES, new String[] {
            AUTO,
            "decoded pixels all tasks of the instance hold at once (3 bytes a pixel), waiting or in a batch; a task that would go over waits for its batches in flight instead (back-pressure), never refusing a valid image; auto: max heap / 4. Must hold one image of max.image.pixels"
        });
        k.put(PROCESSING_GUARANTEE, new String[] {StreamsConfig.EXACTLY_ONCE_V2, "exactly_once_v2 or at_least_once"});
        k.put(NUM_STREAM_THREADS, new String[] {"1", "stream threads; all share one model"});
        k.put(COMMIT_INTERVAL_MS, new String[] {
            "100", "how often offsets, state and output are committed (one transaction under exactly-once)"
        });
        k.put(STATE_DIR, new String[] {System.getProperty("java.io.tmpdir") + "/fovea-streams", "local state folder"});
        k.put(HTTP_PORT, new String[] {"8080", "port of /metrics, /health and /ready (0: any free port; -1: off)"});
        k.put(HTTP_BIND_ADDRESS, new String[] {
            "", "address /metrics, /health and /ready listen on, e.g. 127.0.0.1; empty: every interface"
        });
        k.put(WARM_UP_MS, new String[] {
            "3000",
            "before joining the group, run the path of a record on synthetic images this long, so the JIT has compiled it (0: off)"
        });
        k.put(SHUTDOWN_TIMEOUT_MS, new String[] {"30000", "how long SIGTERM may take to drain and stop"});
        k.put(ACCURACY_WINDOW, new String[] {"1000", "rolling accuracy is over the last this many labelled predictions"
        });
        k.put(INSTANCE_ID, new String[] {
            "",
            "stable name of this instance (Kafka's group.instance.id): a restart takes its partitions back at once instead of after the session timeout; empty: host name and state.dir; dynamic: none. In Kubernetes, the pod name"
        });
        k.put(MODEL_BACKEND, new String[] {
            "onnxruntime",
            "onnxruntime or dl4j: which runs a version that holds both models (docs/benchmarks.md says why onnxruntime); a bundle with one model is run by its backend"
        });
        k.put(ONNX_PROVIDER, new String[] {
            "cpu", "ONNX Runtime's execution provider: cpu, cuda or tensorrt (the last two need the gpu build)"
        });
        k.put(ONNX_DEVICE, new String[] {"0", "the GPU ONNX Runtime uses, for cuda and tensorrt"});
        k.put(ONNX_THREADS, new String[] {"0", "ONNX Runtime's threads for one forward pass; 0: one per core"});
        return k;
    }

    /** Defaults, then the file (if any), then environment, then the explicit overrides. */
    public static StreamConfig load(Path file, Map<String, String> environment, Map<String, String> overrides) {
        Map<String, String> values = new LinkedHashMap<>();
        KNOBS.forEach((key, meta) -> values.put(key, meta[0]));
        if (file != null) {
            Properties props = new Properties();
            try (Reader reader = Files.newBufferedReader(file)) {
                props.load(reader);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read config file " + file, e);
            }
            props.stringPropertyNames()
                    .forEach(key -> values.put(checkKnown(key, file.toString()), props.getProperty(key)));
        }
        environment.forEach((name, value) -> {
            if (name.startsWith("FOVEA_KAFKA_")) {
                values.put(
                        KAFKA_PREFIX
                                + name.substring("FOVEA_KAFKA_".length())
                                        .toLowerCase(Locale.ROOT)
                                        .replace('_', '.'),
                        value);
            } else if (name.startsWith("FOVEA_")) {
                String key = name.substring("FOVEA_".length())
                        .toLowerCase(Locale.ROOT)
                        .replace('_', '.');
                if (KNOBS.containsKey(key)) {
                    values.put(key, value);
                }
            }
        });
        overrides.forEach((key, value) -> values.put(checkKnown(key, "the command line"), value));
        StreamConfig config = new StreamConfig(values);
        config.validate();
        return config;
    }

    public static StreamConfig of(Map<String, String> overrides) {
        return load(null, Map.of(), overrides);
    }

    private static String checkKnown(String key, String where) {
        if (!KNOBS.containsKey(key) && !key.startsWith(KAFKA_PREFIX)) {
            throw new IllegalArgumentException("unknown setting '" + key + "' in " + where + "; known: "
                    + KNOBS.keySet() + " and kafka.* for Kafka Streams");
        }
        return key;
    }

    private void validate() {
        if (get(BOOTSTRAP_SERVERS).isBlank()) {
            throw new IllegalArgumentException(
                    BOOTSTRAP_SERVERS + " is required (--bootstrap, FOVEA_BOOTSTRAP_SERVERS or the config file)");
        }
        positive(MAX_BATCH_SIZE);
        positive(MAX_BATCH_WAIT_MS);
        positive(TOP_K);
        if (maxPayloadBytes() != null && maxPayloadBytes() <= 0) {
            throw new IllegalArgumentException(
                    MAX_PAYLOAD_BYTES + " must be positive or auto, got " + get(MAX_PAYLOAD_BYTES));
        }
        positive(NUM_STREAM_THREADS);
        Backends.named(get(MODEL_BACKEND));
        decodeLimits();
        String guarantee = get(PROCESSING_GUARANTEE);
        if (!guarantee.equals(StreamsConfig.EXACTLY_ONCE_V2) && !guarantee.equals(StreamsConfig.AT_LEAST_ONCE)) {
            throw new IllegalArgumentException(
                    PROCESSING_GUARANTEE + " must be exactly_once_v2 or at_least_once, got " + guarantee);
        }
    }

    private void positive(String key) {
        if (getLong(key) <= 0) {
            throw new IllegalArgumentException(key + " must be positive, got " + get(key));
        }
    }

    /** The pixel limit of one image and the decoded-bytes cap of the instance, {@code auto} resolved. */
    public DecodeLimits decodeLimits() {
        return DecodeLimits.of(
                get(MAX_IMAGE_PIXELS),
                get(MAX_DECODED_BYTES),
                Runtime.getRuntime().maxMemory());
    }

    /** The configured payload limit, or null for {@link #AUTO}. */
    public Long maxPayloadBytes() {
        return AUTO.equalsIgnoreCase(get(MAX_PAYLOAD_BYTES).trim()) ? null : getLong(MAX_PAYLOAD_BYTES);
    }

    /**
     * Kafka's {@code group.instance.id} for this instance, or null for dynamic membership. The
     * default names the host and the state folder: stable across restarts of one instance, and
     * distinct between instances on one host, which cannot share a state folder.
     */
    public String instanceId() {
        String id = get(INSTANCE_ID).trim();
        if (id.equalsIgnoreCase(DYNAMIC)) {
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

    /** The backends as configured: which runs a version, and the settings they open it with (onnx.*). */
    public Backends backends() {
        return Backends.preferring(get(MODEL_BACKEND), new BackendSettings(values));
    }

    public String get(String key) {
        return values.get(key);
    }

    public int getInt(String key) {
        return Math.toIntExact(getLong(key));
    }

    public long getLong(String key) {
        try {
            return Long.parseLong(get(key).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, got '" + get(key) + "'");
        }
    }

    /** The Kafka Streams configuration: our knobs that are Kafka's, then every kafka.* setting. */
    public Properties streamsProperties() {
        Properties p = new Properties();
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, get(BOOTSTRAP_SERVERS));
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, get(APPLICATION_ID));
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, get(PROCESSING_GUARANTEE));
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, getInt(NUM_STREAM_THREADS));
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, getLong(COMMIT_INTERVAL_MS));
        p.put(StreamsConfig.STATE_DIR_CONFIG, get(STATE_DIR));
        // The stream thread waits in poll() at most this long when idle: a batch's deadline
        // punctuation can be no more punctual than this. Never above Kafka's own default (100 ms):
        // a long wait would also hold a stopping app in poll() past its shutdown timeout.
        p.put(StreamsConfig.POLL_MS_CONFIG, Math.max(1, Math.min(100, getLong(MAX_BATCH_WAIT_MS) / 2)));
        String instance = instanceId();
        if (instance != null) {
            // Static membership: a restarted instance rejoins as itself, without waiting out the
            // old member's session (45 s by default) and without moving any other partitions.
            p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instance);
        }
        values.forEach((key, value) -> {
            if (key.startsWith(KAFKA_PREFIX)) {
                p.put(key.substring(KAFKA_PREFIX.length()), value);
            }
        });
        return p;
    }

    /**
     * The cluster as every client of the process but Kafka Streams sees it: the bootstrap
     * servers and the kafka.* settings (security, timeouts), each client taking the ones it knows.
     */
    public KafkaConnection connection() {
        Map<String, String> settings = new LinkedHashMap<>();
        values.forEach((key, value) -> {
            if (key.startsWith(KAFKA_PREFIX)) {
                settings.put(key.substring(KAFKA_PREFIX.length()), value);
            }
        });
        settings.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, get(BOOTSTRAP_SERVERS));
        return KafkaConnection.of(settings);
    }

    public Map<String, String> asMap() {
        return Map.copyOf(values);
    }
}
