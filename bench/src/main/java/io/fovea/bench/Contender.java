package io.fovea.bench;

import io.fovea.core.bundle.ModelFormat;
import io.fovea.core.store.DirectoryModelStore;
import io.fovea.schemas.kafka.KafkaConnection;
import io.fovea.stream.config.ModelOptions;
import io.fovea.stream.config.StreamOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.streams.StreamsConfig;

/**
 * What {@code bench pipeline} measures: the model alone in the benchmark's JVM (as serve runs it,
 * with ONNX Runtime's session defaults, and as several passes at once), and the pipelines, each in a JVM of its own: the plain
 * loop, and serve under each guarantee; each at a precision (model.onnx or model.int8.onnx).
 */
final class Contender {
    /** What runs: the fixed four, or serve with a variant's settings. */
    enum Kind {
        MODEL_ALONE("model alone, one pass (serve's ONNX Runtime settings, preprocessing included)"),
        DEFAULTS_ALONE("model alone (ONNX Runtime's session defaults, as the plain loop runs it)"),
        PASSES_ALONE("model alone, " + PASSES + " passes at once (ONNX Runtime, the cores shared out among them)"),
        PLAIN_LOOP("plain loop (KafkaConsumer, ONNX Runtime, KafkaProducer, commitSync), at least once"),
        SERVE("Fovea serve");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    /**
     * Linux keeps the first 15 characters of a thread's name, and Kafka Streams names its threads
     * after the application id: an id that starts with these 15 names them in {@link ThreadCpu}.
     */
    static final String STREAMS_THREADS = "kafka-streams-t";

    /** Passes at once of the model alone that runs several: as serve runs them by default (inference.passes). */
    static final int PASSES = 2;

    final String label;
    final Kind kind;
    /** fp32 or int8: the model file the contender runs. */
    final String precision;
    /** null for the model alone and the plain loop. */
    private final String guarantee;
    /** Serve's settings over the command's, for a variant. */
    private final Map<String, String> own;
    /** The serve JVM's options in place of the command's, for a variant; empty: the command's. */
    private final List<String> jvm;

    private Contender(
            String label, Kind kind, String precision, String guarantee, Map<String, String> own, List<String> jvm) {
        this.label = label;
        this.kind = kind;
        this.precision = precision;
        this.guarantee = guarantee;
        this.own = own;
        this.jvm = jvm;
    }

    /** A serve row of its own: settings over the command's, and JVM options in place of its (empty: the same). */
    record Variant(Map<String, String> settings, List<String> jvm) {
        static Variant ofSettings(Map<String, String> settings) {
            return new Variant(settings, List.of());
        }

        static Variant ofJvm(List<String> jvm) {
            return new Variant(Map.of(), jvm);
        }
    }

    /**
     * Every contender of a run, for each precision: the model alone twice, the plain loop, serve at
     * least and exactly once, then a serve exactly once for each variant's settings. Labels name the
     * precision when there is more than one.
     */
    static List<Contender> all(List<String> precisions, List<Variant> variants) {
        List<Contender> all = new ArrayList<>();
        for (String precision : precisions) {
            String tag = precisions.size() > 1 ? " [" + precision + "]" : "";
            for (Kind kind : List.of(Kind.MODEL_ALONE, Kind.DEFAULTS_ALONE, Kind.PASSES_ALONE, Kind.PLAIN_LOOP)) {
                all.add(new Contender(kind.label + tag, kind, precision, null, Map.of(), List.of()));
            }
            all.add(serve(precision, tag, StreamsConfig.AT_LEAST_ONCE, Variant.ofSettings(Map.of())));
            all.add(serve(precision, tag, StreamsConfig.EXACTLY_ONCE_V2, Variant.ofSettings(Map.of())));
            for (Variant variant : variants) {
                String guarantee = variant.settings()
                        .getOrDefault(StreamOptions.PROCESSING_GUARANTEE.key(), StreamsConfig.EXACTLY_ONCE_V2);
                all.add(serve(precision, tag, guarantee, variant));
            }
        }
        return all;
    }

    private static Contender serve(String precision, String tag, String guarantee, Variant variant) {
        List<String> named = new ArrayList<>();
        named.add(guarantee.replace('_', ' ').replace(" v2", ""));
        variant.settings().forEach((key, value) -> {
            if (!key.equals(StreamOptions.PROCESSING_GUARANTEE.key())) {
                named.add(key + "=" + value);
            }
        });
        if (!variant.jvm().isEmpty()) {
            named.add("JVM " + String.join(" ", variant.jvm()));
        }
        return new Contender(
                Kind.SERVE.label + ", " + String.join(", ", named) + tag,
                Kind.SERVE,
                precision,
                guarantee,
                variant.settings(),
                variant.jvm());
    }

    /** The JVM options this contender's process runs with. */
    private List<String> jvmOptions(Setup setup) {
        return jvm.isEmpty() ? setup.jvmOptions() : jvm;
    }

    /** The contender of {@code kind} at {@code precision} among {@code all}. */
    static Contender find(List<Contender> all, Kind kind, String precision) {
        return all.stream()
                .filter(c -> c.kind == kind && c.precision.equals(precision))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no " + kind + " at " + precision));
    }

    /** True for what runs in a JVM of its own; the model alone runs in the benchmark's. */
    boolean isPipeline() {
        return kind == Kind.PLAIN_LOOP || kind == Kind.SERVE;
    }

    /** What the contender needs to run: broker, the served model and its folder, JVM options, batch, settings for serve. */
    record Setup(
            KafkaConnection kafka,
            DirectoryModelStore store,
            String model,
            Path versionDir,
            List<String> jvmOptions,
            int batch,
            Map<String, String> settings,
            Path work,
            BenchImages images) {
        /** The served version's model file at {@code precision}, for the plain loop. */
        Path onnxFile(String precision) {
            return versionDir.resolve(
                    precision.equals(PrecisionModels.INT8) ? ModelFormat.ONNX_INT8_FILE : ModelFormat.ONNX_FILE);
        }
    }

    /**
     * A running contender: its process id, a reading of its metrics when asked ({@link
     * ServeProcess.Scrape#NONE} for the plain loop, which has none), and how to stop it.
     */
    record Started(long pid, Supplier<ServeProcess.Scrape> metrics, AutoCloseable process) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            process.close();
        }
    }

    /** Starts the contender reading {@code input} from its start and writing {@code output}; returns once it is ready. */
    Started start(Setup setup, String input, String output, String run) {
        Path log = setup.work().resolve((guarantee == null ? "plain-loop" : "serve") + "-" + run + ".log");
        if (!isPipeline()) {
            throw new IllegalStateException(this + " runs in the benchmark's JVM");
        }
        if (guarantee == null) {
            PlainLoopProcess loop = PlainLoopProcess.start(
                            setup.jvmOptions(),
                            List.of(
                                    setup.kafka().bootstrapServers(),
                                    input,
                                    output,
                                    "plain-loop-" + run,
                                    setup.onnxFile(precision).toString(),
                                    Integer.toString(setup.batch())),
                            log)
                    .awaitReady(Duration.ofMinutes(3));
            return new Started(loop.pid(), () -> ServeProcess.Scrape.NONE, loop);
        }
        Map<String, String> settings = new HashMap<>(ServeProcess.topics(
                STREAMS_THREADS + run,
                input,
                output,
                output + "-releases",
                setup.work().resolve("state-" + run)));
        settings.put(StreamOptions.PROCESSING_GUARANTEE.key(), guarantee);
        settings.put(StreamOptions.MAX_BATCH_SIZE.key(), Integer.toString(setup.batch()));
        settings.putAll(setup.settings());
        settings.put(ModelOptions.MODEL_PRECISION.key(), precision);
        settings.putAll(own);
        List<String> args = List.of(
                "--bootstrap",
                setup.kafka().bootstrapServers(),
                "--store",
                setup.store().root().toString(),
                "--model",
                setup.model());
        ServeProcess serve =
                ServeProcess.start(jvmOptions(setup), args, settings, log).awaitReady(Duration.ofMinutes(3));
        return new Started(serve.pid(), serve::scrape, serve);
    }
}
