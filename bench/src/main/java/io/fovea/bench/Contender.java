package io.fovea.bench;

import io.fovea.core.store.DirectoryModelStore;
import io.fovea.schemas.kafka.KafkaConnection;
import io.fovea.stream.config.StreamOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;
import org.apache.kafka.streams.StreamsConfig;

/** A pipeline {@code bench pipeline} runs in a JVM of its own: the plain loop, or serve under one guarantee. */
enum Contender {
    PLAIN_LOOP("plain loop (KafkaConsumer, ONNX Runtime, KafkaProducer, commitSync), at least once", null),
    FOVEA_AT_LEAST_ONCE("Fovea serve, at least once", StreamsConfig.AT_LEAST_ONCE),
    FOVEA_EXACTLY_ONCE("Fovea serve, exactly once", StreamsConfig.EXACTLY_ONCE_V2);

    /**
     * Linux keeps the first 15 characters of a thread's name, and Kafka Streams names its threads
     * after the application id: an id that starts with these 15 names them in {@link ThreadCpu}.
     */
    static final String STREAMS_THREADS = "kafka-streams-t";

    final String label;
    private final String guarantee;

    Contender(String label, String guarantee) {
        this.label = label;
        this.guarantee = guarantee;
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
        Path log = setup.work().resolve(name().toLowerCase() + "-" + run + ".log");
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
