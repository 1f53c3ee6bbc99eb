package io.fovea.bench;

import io.fovea.broker.LocalKafkaBroker;
import io.fovea.core.cli.InputSizeOption;
import io.fovea.core.cli.KafkaOption;
import io.fovea.core.cli.SecretSettings;
import io.fovea.core.runtime.Blocking;
import io.fovea.schemas.kafka.KafkaConnection;
import io.fovea.stream.model.ModelRunner;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.DoubleSupplier;
import org.deeplearning4j.nn.conf.inputs.InputType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Measures, in one run on this machine: the bare model at several batch sizes (and against
 * sgemm), the whole pipeline through a real broker at the same sizes, the per-record pattern,
 * and latency percentiles at fractions of the measured maximum. Prints Markdown tables.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Benchmarks the model and the stream app in one run; prints Markdown tables.",
            "Starts an in-process Kafka unless --bootstrap is given. Takes a few minutes."
        })
public final class BenchCommand implements Callable<Integer> {
    private static final int ROUNDS = 5;
    private static final Duration SETTLE = Duration.ofMillis(500);
    /** A broker to use instead of an in-process one. */
    @Mixin
    KafkaOption kafka;

    @Option(
            names = "--batch-sizes",
            split = ",",
            defaultValue = "1,8,32,64",
            description = "Batch sizes (default: ${DEFAULT-VALUE}).")
    List<Integer> batchSizes;

    @Option(
            names = "--events",
            defaultValue = "4000",
            description = {
                "Images per pipeline run (default: ${DEFAULT-VALUE}). Each run starts a new app; its start",
                "is not timed, its first fetches and last commit are."
            })
    int events;

    @Option(
            names = "--rounds",
            defaultValue = "5",
            description = {
                "Pipeline runs, each between two bare-model runs, at batch 32 (default: ${DEFAULT-VALUE});",
                "the ratio is the median of theirs."
            })
    int referenceRounds;

    @Option(
            names = "--seconds",
            defaultValue = "8",
            description = "Seconds per bare-model measurement (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(
            names = "--latency-seconds",
            defaultValue = "20",
            description = "Measured seconds per offered load (default: ${DEFAULT-VALUE}).")
    int latencySeconds;

    @Mixin
    InputSizeOption input;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description =
                    "A stream app setting for every pipeline run, e.g. --set kafka.commit.interval.ms=500 (repeatable).")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(
            names = "--backend",
            split = ",",
            paramLabel = "BACKEND",
            description = {
                "Instead: compare backends (dl4j,onnxruntime) on the same network: the model alone at",
                "--batch-sizes against sgemm, and the pipeline at batch 32, alternated, --rounds rounds.",
                "With --swaps: the one backend that serves the versions swapped (default: dl4j)."
            })
    List<String> backends;

    @Option(
            names = "--swaps",
            paramLabel = "N",
            description = "Instead: hot-swap two VGG16 versions N times under load; time, output pause, memory.")
    int swaps;

    @Option(
            names = "--swap-load",
            defaultValue = "50",
            description = "Images/s offered during --swaps (default: ${DEFAULT-VALUE}).")
    double swapLoad;

    @Option(
            names = "--trials",
            description = {
                "Instead: what a shadow (on every image, on 10%) and a 10% canary cost the served version's",
                "throughput, and resident memory with two versions; serve in its own JVM, --rounds rounds of",
                "--events images per condition, alternated."
            })
    boolean trials;

    @Option(
            names = "--training",
            description = {
                "Instead: a training step against a forward pass of the same network and batch, for the",
                "from-scratch ResNet and VGG16, stock DL4J and as train builds them; --rounds rounds."
            })
    boolean training;

    @Option(
            names = "--warm-up",
            description = {
                "Instead: a fresh serve's throughput per 5 s window from ready against its own steady state,",
                "for each JVM setup (JDK 17 tiered, C1 only, AppCDS; JDK 25 and its AOT cache where one is",
                "installed), alternated --warm-up-rounds rounds."
            })
    boolean warmUp;

    @Option(
            names = "--warm-up-seconds",
            defaultValue = "90",
            description = "Seconds each fresh serve is watched from ready (default: ${DEFAULT-VALUE}).")
    int warmUpSeconds;

    @Option(
            names = "--warm-up-rounds",
            defaultValue = "2",
            description = "Fresh serves per JVM setup (default: ${DEFAULT-VALUE}).")
    int warmUpRounds;

    @Option(
            names = "--jdk25",
            paramLabel = "JAVA_HOME",
            description = "A JDK 25 for --warm-up (default: the first under /usr/lib/jvm).")
    Path jdk25;

    @Option(
            names = "--serve-jvm",
            paramLabel = "OPTIONS",
            defaultValue = "-Xms1g -Xmx1g -XX:+AlwaysPreTouch",
            description = {
                "JVM options of the app under --swaps, --trials and --warm-up (default: ${DEFAULT-VALUE}).",
                "A fixed, pre-touched heap (as deploy/ runs it): resident memory then moves only",
                "with what lives outside the heap, where a model's memory is."
            })
    String serveJvm;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        SecretSettings.refuseOnCommandLine(settings);
        Path state = Files.createTempDirectory("fovea-bench-state-");
        LocalKafkaBroker broker = kafka.given() ? null : LocalKafkaBroker.startTemporary();
        KafkaConnection servers = broker == null ? kafka.connection() : KafkaConnection.to(broker.bootstrapServers());
        try {
            if (training) {
                new TrainingBench(seconds).run(referenceRounds, out);
            } else if (warmUp) {
                Path jdk = jdk25 != null ? jdk25 : JvmSetup.findJdk(25).orElse(null);
                new WarmUpBench(servers, state, List.of(serveJvm.trim().split("\\s+")))
                        .run(JvmSetup.all(state, jdk), warmUpRounds, Duration.ofSeconds(warmUpSeconds), out);
            } else if (trials) {
                new TrialBench(servers, state, List.of(serveJvm.trim().split("\\s+")))
                        .run(referenceRounds, events, out);
            } else if (swaps > 0) {
                String backend = backends == null ? "dl4j" : String.join(",", backends);
                new SwapBench(
                                servers,
                                kafka.commandConfig(),
                                state,
                                List.of(serveJvm.trim().split("\\s+")),
                                backend)
                        .run(swaps, swapLoad, out);
            } else if (backends != null) {
                int reference = batchSizes.contains(32) ? 32 : batchSizes.get(batchSizes.size() - 1);
                new BackendBench(
                                new PipelineBench(servers, state, settings),
                                state,
                                input.side(),
                                events,
                                seconds,
                                referenceRounds)
                        .run(backends, batchSizes, reference, out);
            } else {
                measure(out, servers, state);
            }
            deleteTree(state); // stores, Kafka Streams state, serve's log: wanted only after a failure
            return 0;
        } catch (RuntimeException e) {
            spec.commandLine().getErr().println("bench failed; its files (serve.log among them) are in " + state);
            throw e;
        } finally {
            if (broker != null) {
                broker.close();
            }
        }
    }

    /** The per-record pattern, and the batched pipeline in the runs just before and after it. */
    record PerRecord(double imagesPerSecond, double batchedAround) {}

    private void measure(PrintWriter out, KafkaConnection servers, Path state) {
        if (referenceRounds < 2) {
            throw new ParameterException(
                    spec.commandLine(), "--rounds must be 2 or more: the per-record run goes between the first two");
        }
        try (ModelRunner model = BenchModel.runner(input.side(), true)) {
            double flops = ModelCost.flopsPerImage(
                    BenchModel.architecture(input.side()).whole(1e-3),
                    InputType.convolutional(input.side(), input.side(), 3));
            BenchReport report = new BenchReport(out, input.side(), events, referenceRounds, ROUNDS);
            report.header(flops);
            int reference = batchSizes.contains(32) ? 32 : batchSizes.get(batchSizes.size() - 1);
            ModelCost.AgainstSgemm sgemm = ModelCost.sgemmAgainstModel(model, reference, flops, ROUNDS, SETTLE);

            PipelineBench pipeline = new PipelineBench(servers, state, settings);
            String topic = pipeline.preload(events);
            JitWarmUp.run(pipeline, model, topic, events, reference, out);
            // the reference batch first, right after the warm-up at that batch, with the per-record
            // pattern between its first two rounds
            BatchRounds firstRound = pipelineRounds(pipeline, model, topic, reference, 1);
            double perRecordRate = pipeline.perRecordThroughput(model, topic, Math.min(events, 1000));
            BatchRounds referenceRuns =
                    firstRound.and(pipelineRounds(pipeline, model, topic, reference, referenceRounds - 1));
            PerRecord perRecord = new PerRecord(
                    perRecordRate,
                    (referenceRuns.rounds().get(0).measured()
                                    + referenceRuns.rounds().get(1).measured())
                            / 2);
            Map<Integer, BatchRounds> byBatch = new LinkedHashMap<>();
            for (int batch : batchSizes) {
                byBatch.put(
                        batch, batch == reference ? referenceRuns : pipelineRounds(pipeline, model, topic, batch, 1));
            }
            report.throughput(flops, reference, sgemm, byBatch, builtInPathRatio(model), perRecord);
            measureLatency(report, pipeline, model, reference, byBatch.get(reference));
        }
    }

    /** {@code rounds} pipeline runs at {@code batch}, each between two bare-model runs. */
    private BatchRounds pipelineRounds(PipelineBench pipeline, ModelRunner model, String topic, int batch, int rounds) {
        List<AroundBare> measured = new ArrayList<>();
        List<PipelineBench.Run> runs = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            measured.add(aroundBare(model, batch, () -> {
                PipelineBench.Run run = pipeline.run(model, topic, events, batch);
                runs.add(run);
                return run.imagesPerSecond();
            }));
        }
        return new BatchRounds(batch, measured, runs);
    }

    /** Fovea's fast path over DL4J's built-in convolution path (oneDNN helpers off), batch 32. */
    private double builtInPathRatio(ModelRunner model) {
        try (ModelRunner builtIn = BenchModel.runner(input.side(), false)) {
            return 1
                    / aroundBare(model, 32, () -> BenchModel.bareImagesPerSecond(builtIn, 32, seconds))
                            .ratio();
        }
    }

    private void measureLatency(
            BenchReport report, PipelineBench pipeline, ModelRunner model, int reference, BatchRounds runs) {
        double max = runs.piped();
        report.latencyHeader(reference, runs.bare());
        for (double share : new double[] {0.25, 0.5, 0.9}) {
            List<Double> latencies = new ArrayList<>(pipeline.latency(
                    model, reference, share * max, Duration.ofSeconds(latencySeconds), Duration.ofSeconds(3)));
            Collections.sort(latencies);
            report.latencyRow(share, share * max, latencies);
        }
    }

    /** {@code measurement} between two bare-model runs at {@code batch}: compared as they ran, whatever the machine's drift. */
    private AroundBare aroundBare(ModelRunner model, int batch, DoubleSupplier measurement) {
        Blocking.pause(SETTLE);
        double before = BenchModel.bareImagesPerSecond(model, batch, seconds / 2);
        double measured = measurement.getAsDouble();
        // what the measurement leaves running (an app closing, spinning threads) settles first
        Blocking.pause(SETTLE);
        double after = BenchModel.bareImagesPerSecond(model, batch, seconds / 2);
        return new AroundBare(before, measured, after);
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
