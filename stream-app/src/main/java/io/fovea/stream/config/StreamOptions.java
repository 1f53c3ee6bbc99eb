package io.fovea.stream.config;

import static io.fovea.stream.config.ConfigOption.BOOL;
import static io.fovea.stream.config.ConfigOption.INT;
import static io.fovea.stream.config.ConfigOption.LONG_OR_AUTO;
import static io.fovea.stream.config.ConfigOption.MILLIS;
import static io.fovea.stream.config.ConfigOption.TEXT;
import static io.fovea.stream.config.ConfigOption.positiveDuration;
import static io.fovea.stream.config.ConfigOption.positiveInt;

import io.fovea.schemas.Topics;
import io.fovea.schemas.registry.SubjectNaming;
import io.fovea.stream.validate.WireFormat;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.kafka.streams.StreamsConfig;

/** Every setting of the stream app; docs/operations.md's configuration table is generated from this list. */
public final class StreamOptions {
    private StreamOptions() {}

    /** Value of the size limits: worked out at start (from the cluster, or from the heap). */
    public static final String AUTO = "auto";
    /** {@link #INSTANCE_ID} value: no static membership. */
    public static final String DYNAMIC = "dynamic";

    private static final Predicate<OptionalLong> POSITIVE_OR_AUTO = value -> value.isEmpty() || value.getAsLong() > 0;

    public static final ConfigOption<String> BOOTSTRAP_SERVERS = ConfigOption.of(
                    "bootstrap.servers", TEXT, "", "Kafka bootstrap servers (required)")
            .documentedDefault("(none)");
    public static final ConfigOption<String> APPLICATION_ID = ConfigOption.of(
            "application.id",
            TEXT,
            Topics.APPLICATION_ID,
            "Kafka Streams application id: consumer group, state and internal topic prefix");
    public static final ConfigOption<String> INPUT_TOPIC =
            ConfigOption.of("input.topic", TEXT, Topics.IMAGES, "ImageEvents to classify");
    public static final ConfigOption<String> OUTPUT_TOPIC =
            ConfigOption.of("output.topic", TEXT, Topics.PREDICTIONS, "where Predictions go");
    public static final ConfigOption<String> DLQ_TOPIC =
            ConfigOption.of("dlq.topic", TEXT, Topics.DEAD_LETTERS, "where DeadLetters go");
    public static final ConfigOption<String> SHADOW_TOPIC = ConfigOption.of(
            "shadow.topic",
            TEXT,
            Topics.SHADOW_PREDICTIONS,
            "where a version under shadow sends its Predictions, never served");
    public static final ConfigOption<String> RELEASES_TOPIC = ConfigOption.of(
            "releases.topic",
            TEXT,
            Topics.MODEL_RELEASES,
            "ModelRelease events followed for hot-swaps (unless the model is pinned with NAME@VERSION)");
    public static final ConfigOption<Integer> MAX_BATCH_SIZE = ConfigOption.of(
                    "max.batch.size", INT, "32", "a batch closes when it holds this many images")
            .check(positiveInt(), "positive");
    public static final ConfigOption<Duration> MAX_BATCH_WAIT_MS = ConfigOption.of(
                    "max.batch.wait.ms", MILLIS, "10", "... or when its oldest image has waited this long")
            .check(positiveDuration(), "positive");
    public static final ConfigOption<Boolean> BATCH_CLOSE_WHEN_QUEUE_EMPTY = ConfigOption.of(
            "batch.close.when.queue.empty",
            BOOL,
            "true",
            "... or, whatever its size and age, at the stream thread's next turn when no images wait for a forward"
                    + " pass: it would be next in line, and holding it back only adds to its wait; `false`: only at"
                    + " `max.batch.size` or `max.batch.wait.ms` ([operations](operations.md#latency))");
    public static final ConfigOption<Integer> TOP_K = ConfigOption.of(
                    "top.k", INT, "3", "classes listed in each prediction's topK")
            .check(positiveInt(), "positive");
    public static final ConfigOption<OptionalLong> MAX_PAYLOAD_BYTES = ConfigOption.of(
                    "max.payload.bytes",
                    LONG_OR_AUTO,
                    AUTO,
                    "larger record values are dead-lettered as PAYLOAD_TOO_LARGE; `auto`: what the changelog of"
                            + " pending images can hold, read from the cluster at start (below)")
            .check(POSITIVE_OR_AUTO, "positive or auto");
    public static final ConfigOption<OptionalLong> MAX_IMAGE_PIXELS = ConfigOption.of(
                    "max.image.pixels",
                    LONG_OR_AUTO,
                    AUTO,
                    "larger images (width*height, read from the header) are dead-lettered as IMAGE_TOO_LARGE,"
                            + " before any pixel is decoded; `auto`: the smaller of 4096x4096 (16,777,216) and max"
                            + " heap / 4 / 15, so that one decode at the limit (ImageIO's image up to 8 bytes a"
                            + " pixel, the ARGB copy 4, the planar copy 3) takes at most a quarter of the heap (a"
                            + " 512 MiB heap: 8,947,848 pixels)")
            .check(POSITIVE_OR_AUTO, "positive or auto");
    public static final ConfigOption<OptionalLong> MAX_DECODED_BYTES = ConfigOption.of(
                    "max.decoded.bytes",
                    LONG_OR_AUTO,
                    AUTO,
                    "decoded pixels (3 bytes each) all tasks of the instance hold at once, waiting for a batch or"
                            + " in one; a task that would go over closes its batch and waits for its batches in"
                            + " flight (back-pressure, `fovea_batches_closed_total{cause=\"memory\"}`), never"
                            + " refusing a valid image; restored images count too. `auto`: max heap / 4. Must hold"
                            + " one image of `max.image.pixels` (below)")
            .check(POSITIVE_OR_AUTO, "positive or auto");
    public static final ConfigOption<Set<WireFormat>> INPUT_FORMATS = ConfigOption.of(
            "input.formats",
            new ConfigOption.Type<>("a comma-separated list of formats", WireFormat::parseList),
            "single-object,registry,file",
            "which record values are read, told apart by their first bytes: `single-object` (Avro single-object"
                    + " encoding), `registry` (schema-registry framing; needs `schema.registry.url` in the Kafka client"
                    + " settings), `file` (a plain PNG or JPEG file): [wire formats](wire-format.md); any other value"
                    + " is a dead letter naming its first bytes");
    public static final ConfigOption<String> OUTPUT_FORMAT = ConfigOption.of(
            "output.format",
            ConfigOption.oneOf("single-object", "registry"),
            "single-object",
            "how predictions, shadow predictions and dead letters are written: `single-object` (Avro single-object"
                    + " encoding) or `registry` (schema-registry framing, under the ids their schemas have in the"
                    + " registry of `schema.registry.url`): [wire formats](wire-format.md#output-formats)");
    public static final ConfigOption<SubjectNaming> SUBJECT_NAME_STRATEGY = ConfigOption.of(
            "subject.name.strategy",
            new ConfigOption.Type<>("topic, record or topic-record", SubjectNaming::parse),
            "topic",
            "with `output.format=registry`, the subject each output schema is registered under: `topic`"
                    + " (`<topic>-value`), `record` (the record's full name) or `topic-record`"
                    + " (`<topic>-<record full name>`), as Confluent's serializers name them");
    public static final ConfigOption<String> AUTO_REGISTER_SCHEMAS = ConfigOption.of(
            "auto.register.schemas",
            ConfigOption.oneOf("true", "false"),
            "true",
            "with `output.format=registry`: `true` registers the output schemas at start (the subject's"
                    + " compatibility rule applies: a refusal stops the start, naming the rule and the change);"
                    + " `false` only looks them up, and serve refuses to start when one is not registered");
    public static final ConfigOption<String> PROCESSING_GUARANTEE = ConfigOption.of(
            "processing.guarantee",
            ConfigOption.oneOf(StreamsConfig.EXACTLY_ONCE_V2, StreamsConfig.AT_LEAST_ONCE),
            StreamsConfig.EXACTLY_ONCE_V2,
            "exactly_once_v2 or at_least_once");
    public static final ConfigOption<Integer> NUM_STREAM_THREADS = ConfigOption.of(
                    "num.stream.threads", INT, "1", "stream threads; all share one model")
            .check(positiveInt(), "positive");
    public static final ConfigOption<Duration> COMMIT_INTERVAL_MS = ConfigOption.of(
            "commit.interval.ms",
            MILLIS,
            "100",
            "how often offsets, state and output are committed (one transaction under exactly-once) while the"
                    + " model keeps up with the input");
    public static final ConfigOption<Duration> COMMIT_INTERVAL_BACKLOG_MS = ConfigOption.of(
            "commit.interval.backlog.ms",
            MILLIS,
            "1000",
            "how often instead while the input is ahead of the model (within the last commit.interval.ms, a"
                    + " stream thread waited for it to close a batch, or images waited for a pass all that time): each"
                    + " transaction costs"
                    + " the broker about the same whatever its size, so fewer leave the cores to the model; at or"
                    + " below commit.interval.ms, one pace");
    public static final ConfigOption<String> STATE_DIR = ConfigOption.of(
                    "state.dir", TEXT, System.getProperty("java.io.tmpdir") + "/fovea-streams", "local state folder")
            .documentedDefault("`$TMPDIR/fovea-streams`");
    public static final ConfigOption<Integer> HTTP_PORT = ConfigOption.of(
                    "http.port", INT, "8080", "port of /metrics, /health and /ready (0: any free port; -1: off)")
            .check(port -> port >= -1 && port <= 65535, "a port, 0 (any free one) or -1 (off)");
    public static final ConfigOption<String> HTTP_BIND_ADDRESS = ConfigOption.of(
                    "http.bind.address",
                    TEXT,
                    "",
                    "address /metrics, /health and /ready listen on, e.g. `127.0.0.1`; serve's start-up line"
                            + " prints the address and port it really listens on")
            .documentedDefault("(every interface)");
    public static final ConfigOption<Duration> WARM_UP_MS = ConfigOption.of(
                    "warm.up.ms",
                    MILLIS,
                    "3000",
                    "before joining the group, run the path of a record on synthetic images this long, so the JIT"
                            + " has compiled it (0: off)")
            .check(duration -> !duration.isNegative(), "0 or more");
    public static final ConfigOption<Duration> SHUTDOWN_TIMEOUT_MS =
            ConfigOption.of("shutdown.timeout.ms", MILLIS, "30000", "how long SIGTERM may take to drain and stop");
    public static final ConfigOption<Integer> ACCURACY_WINDOW = ConfigOption.of(
                    "accuracy.window", INT, "1000", "rolling accuracy is over the last this many labelled predictions")
            .check(positiveInt(), "positive");
    public static final ConfigOption<String> INSTANCE_ID = ConfigOption.of(
                    "instance.id",
                    TEXT,
                    "",
                    "Kafka's `group.instance.id`: a restarted instance takes its partitions back at once (below);"
                            + " `dynamic` for none; in Kubernetes, the pod name")
            .documentedDefault("host name and `state.dir`");
    /** Every option, in the docs table's order. */
    public static final List<ConfigOption<?>> ALL = Stream.of(
                    Stream.of(
                            BOOTSTRAP_SERVERS,
                            APPLICATION_ID,
                            INPUT_TOPIC,
                            OUTPUT_TOPIC,
                            DLQ_TOPIC,
                            SHADOW_TOPIC,
                            RELEASES_TOPIC,
                            MAX_BATCH_SIZE,
                            MAX_BATCH_WAIT_MS,
                            BATCH_CLOSE_WHEN_QUEUE_EMPTY,
                            TOP_K,
                            MAX_PAYLOAD_BYTES,
                            MAX_IMAGE_PIXELS,
                            MAX_DECODED_BYTES,
                            INPUT_FORMATS,
                            OUTPUT_FORMAT,
                            SUBJECT_NAME_STRATEGY,
                            AUTO_REGISTER_SCHEMAS,
                            PROCESSING_GUARANTEE,
                            NUM_STREAM_THREADS,
                            COMMIT_INTERVAL_MS,
                            COMMIT_INTERVAL_BACKLOG_MS,
                            STATE_DIR,
                            HTTP_PORT,
                            HTTP_BIND_ADDRESS,
                            WARM_UP_MS,
                            SHUTDOWN_TIMEOUT_MS,
                            ACCURACY_WINDOW,
                            INSTANCE_ID),
                    ModelOptions.ALL.stream(),
                    StoreOptions.ALL.stream())
            .flatMap(options -> options)
            .toList();

    /** The option of {@code key}, if there is one. */
    public static Optional<ConfigOption<?>> find(String key) {
        return ALL.stream().filter(option -> option.key().equals(key)).findFirst();
    }
}
