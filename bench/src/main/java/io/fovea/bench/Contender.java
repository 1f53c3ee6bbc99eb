package io.fovea.bench;

import io.fovea.core.store.DirectoryModelStore;
import io.fovea.schemas.kafka.KafkaConnection;
import io.fovea.stream.config.StreamOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;
import org.apache.kafka.streams.StreamsConfig;

/**
 * What {@code bench pipeline} measures: the model alone in the benchmark's JVM (as serve runs it,
 * and with ONNX Runtime's session defaults), and the pipelines, each in a JVM of its own: the plain
 * loop, and serve under each guarantee.
 */
final class Contender {
    static final Contender MODEL_ALONE =
            new Contender("model alone (serve's ONNX Runtime settings, preprocessing included)", null, Map.of());
    static final Contender DEFAULTS_ALONE =
            new Contender("model alone (ONNX Runtime's session defaults, as the plain loop runs it)", null, Map.of());
    static final Contender PLAIN_LOOP = new Contender(
            "plain loop (KafkaConsumer, ONNX Runtime, KafkaProducer, commitSync), at least once", null, Map.of());
    static final Contender FOVEA_AT_LEAST_ONCE =
            new Contender("Fovea serve, at least once", StreamsConfig.AT_LEAST_ONCE, Map.of());
    static final Contender FOVEA_EXACTLY_ONCE =
            new Contender("Fovea serve, exactly once", StreamsConfig.EXACTLY_ONCE_V2, Map.of());

    /**
     * Linux keeps the first 15 characters of a thread's name, and Kafka Streams names its threads
     * after the application id: an id that starts with these 15 names them in {@link ThreadCpu}.
     */
    static final String STREAMS_THREADS = "kafka-streams-t";

    final String label;
    /** null for the model alone and the plain loop. */
    private final String guarantee;
    /** Serve's settings over the command's, for a variant. */
    private final Map<String, String> own;

    private Contender(String label, String guarantee, Map<String, String> own) {
        this.label = label;
        this.guarantee = guarantee;
        this.own = own;
    }

    /** Every contender of a run: the fixed five, then a serve exactly once for each variant's settings. */
    static List<Contender> all(List<Map<String, String>> variants) {
        List<Contender> all = new ArrayList<>(
                List.of(MODEL_ALONE, DEFAULTS_ALONE, PLAIN_LOOP, FOVEA_AT_LEAST_ONCE, FOVEA_EXACTLY_ONCE));
        for (Map<String, String> settings : variants) {
            String guarantee =
                    settings.getOrDefault(StreamOptions.PROCESSING_GUARANTEE.key(), StreamsConfig.EXACTLY_ONCE_V2);
            List<String> named = new ArrayList<>();
            settings.forEach((key, value) -> {
                if (!key.equals(StreamOptions.PROCESSING_GUARANTEE.key())) {
                    named.add(key + "=" + value);
                }
            });
            all.add(new Contender(
                    "Fovea serve, " + guarantee.replace('_', ' ').replace(" v2", "") + ", " + String.join(", ", named),
                    guarantee,
                    settings));
        }
        return all;
    }

    /** True for what runs in a JVM of its own; the model alone runs in the benchmark's. */
    boolean isPipeline() {
        return this != MODEL_ALONE && this != DEFAULTS_ALONE;
    }

    /** What the contender needs to run: broker, the served model, JVM options, batch, settings for serve. */
    record Setup(
            KafkaConnection kafka,
            DirectoryModelStore store,
            String model,
            Path onnxFile,
            List<String> jvmOptions,
            int batch,
            Map<String, String> settings,
            Path work) {}

    /** A running contender: its process id, the seconds its model has spent in forward passes (NaN: not known), and how to stop it. */
    record Started(long pid, DoubleSupplier modelSeconds, AutoCloseable process) implements AutoCloseable {
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
                                    setup.onnxFile().toString(),
                                    Integer.toString(setup.batch())),
                            log)
                    .awaitReady(Duration.ofMinutes(3));
            return new Started(loop.pid(), () -> Double.NaN, loop);
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
        settings.putAll(own);
        List<String> args = List.of(
                "--bootstrap",
                setup.kafka().bootstrapServers(),
                "--store",
                setup.store().root().toString(),
                "--model",
                setup.model());
        ServeProcess serve =
                ServeProcess.start(setup.jvmOptions(), args, settings, log).awaitReady(Duration.ofMinutes(3));
        return new Started(serve.pid(), () -> serve.metric("fovea_inference_seconds_sum", ""), serve);
    }
}
