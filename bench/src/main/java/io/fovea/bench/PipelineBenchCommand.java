package io.fovea.bench;

import io.fovea.core.bundle.ModelFormat;
import io.fovea.core.store.DirectoryModelStore;
import io.fovea.schemas.kafka.KafkaConnection;
import io.fovea.stream.config.ModelOptions;
import io.fovea.stream.config.StreamConfig;
import io.fovea.stream.config.StreamOptions;
import io.fovea.stream.model.ModelRunner;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code bench pipeline}: see {@link PipelineComparison}. */
@Command(
        name = "pipeline",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Measures Fovea's pipeline against the model alone and against a plain consumer loop, in one run.",
            "The model alone, a plain loop (KafkaConsumer, decode, ONNX Runtime, KafkaProducer, commitSync: at least"
                    + " once), and serve at least once and exactly once, each in a JVM of its own, alternated in"
                    + " --rounds rounds; then latency at shares of each one's throughput, and CPU by thread."
        })
final class PipelineBenchCommand extends BenchRun {
    @Option(names = "--batch", defaultValue = "32", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(
            names = "--events",
            defaultValue = "8000",
            description = {
                "Images per run at the slowest --precision; the faster one's runs hold as many more as its model"
                        + " alone is faster, so every run lasts about as long. The first quarter of a run is not timed"
                        + " (default: ${DEFAULT-VALUE})."
            })
    int events;

    @Option(
            names = "--rounds",
            defaultValue = "3",
            description = "Rounds, each running every measurement once (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(
            names = "--seconds",
            defaultValue = "6",
            description = "Seconds per measurement of the model alone (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(
            names = "--loads",
            split = ",",
            defaultValue = "0.5,0.9",
            description =
                    "Offered loads for latency, as shares of each pipeline's throughput (default: ${DEFAULT-VALUE}).")
    double[] loads;

    @Option(
            names = "--latency-seconds",
            defaultValue = "15",
            description = "Measured seconds per offered load, after 3 s not counted; 0 measures no latency"
                    + " (default: ${DEFAULT-VALUE}).")
    int latencySeconds;

    @Option(
            names = "--precision",
            split = ",",
            paramLabel = "fp32|int8",
            defaultValue = "fp32",
            description = {
                "The model file every row runs (default: ${DEFAULT-VALUE}): int8 publishes the bench's version with a"
                        + " model.int8.onnx (calibrated on random images; the accuracy gate measured, not applied), or"
                        + " takes --model's, and serves it with model.precision=int8; fp32,int8 runs both in the same rounds, int8 rows"
                        + " also against the plain loop on fp32."
            })
    List<String> precisions;

    @Mixin
    ServeRows serveRows;

    @Mixin
    ServeJvmOption serveJvm;

    @Mixin
    PipelineModel model;

    @Override
    void measure(PrintWriter out, KafkaConnection servers, Path work) {
        Map<String, String> settings = serveRows.settings();
        checkPrecisions();
        if (latencySeconds < 0) {
            throw new ParameterException(
                    spec.commandLine(), "--latency-seconds must be 0 or more, got " + latencySeconds);
        }
        List<Contender> contenders = Contender.all(precisions, serveRows.variants());
        DirectoryModelStore store = new DirectoryModelStore(work.resolve("store"));
        PipelineModel.Served served;
        try {
            served = model.prepare(store, precisions.contains(PrecisionModels.INT8));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        Map<String, StreamConfig> configs = new LinkedHashMap<>();
        for (String precision : precisions) {
            Map<String, String> all = new HashMap<>(settings);
            all.put(StreamOptions.BOOTSTRAP_SERVERS.key(), servers.bootstrapServers());
            all.put(ModelOptions.MODEL_PRECISION.key(), precision);
            // the model alone as bench model runs it, one pass at a time: its threads are all the cores
            all.put(ModelOptions.INFERENCE_PASSES.key(), "1");
            configs.put(precision, StreamConfig.of(all));
        }
        Contender.Setup setup = new Contender.Setup(
                servers,
                store,
                served.name(),
                store.versionDir(served.name(), served.version()),
                serveJvm.list(),
                batch,
                settings,
                work,
                served.images());
        out.printf(
                "# Pipeline against the model alone and a plain consumer loop, %s%n%n%s, ONNX Runtime, batch %d; serve"
                        + " and the plain loop each in a JVM of their own (%s), the broker and the model alone in this"
                        + " one; %d cores. Rounds start one measurement later each. Images: %s.%n%n",
                String.join(" and ", precisions),
                served.describe(),
                batch,
                String.join(" ", serveJvm.list()),
                Runtime.getRuntime().availableProcessors(),
                served.images().description());
        if (served.gate() != null) {
            out.printf(
                    "int8: %s, calibrated on %d random images (MINMAX). The accuracy gate is NOT applied, for this"
                            + " benchmark only: random weights have no test set and nearly uniform scores, so it says"
                            + " nothing of a trained model's int8. What it measured on %d other random images: %s.%n%n",
                    ModelFormat.ONNX_INT8_FILE,
                    BenchVersions.CALIBRATION_IMAGES,
                    BenchVersions.GATE_IMAGES,
                    served.gate().verdict());
        }
        Map<String, ModelRunner> models = new LinkedHashMap<>();
        Map<String, PlainSession> plains = new LinkedHashMap<>();
        Map<String, PlainSession> shared = new LinkedHashMap<>();
        Map<String, Double> speeds = new LinkedHashMap<>();
        try {
            for (String precision : precisions) {
                ModelRunner model = configs.get(precision).backends().open(store, served.name(), served.version());
                models.put(precision, model);
                PlainSession plain = new PlainSession(setup.onnxFile(precision));
                plains.put(precision, plain);
                PlainSession split = new PlainSession(
                        setup.onnxFile(precision),
                        Math.max(1, Runtime.getRuntime().availableProcessors() / Contender.PASSES));
                shared.put(precision, split);
                // the JIT and ONNX Runtime's first passes, not measured but for sizing the runs
                speeds.put(precision, BenchModel.bareImagesPerSecond(model, batch, seconds));
                plain.imagesPerSecond(batch, seconds);
                split.imagesPerSecond(batch, seconds, Contender.PASSES);
            }
            Map<String, Integer> sized = PipelineComparison.eventsByPrecision(events, speeds);
            out.println(runLength(sized, speeds));
            out.println();
            PipelineComparison comparison =
                    new PipelineComparison(setup, contenders, models, plains, shared, sized, seconds);
            ComparisonReport report = new ComparisonReport(out, contenders, comparison.throughput(rounds, out));
            // no paced loads at --latency-seconds 0: the tables then hold throughput and CPU only
            double[] measuredLoads = latencySeconds > 0 ? loads : new double[0];
            Map<Contender, List<PipelineComparison.AtLoad>> latencies = new LinkedHashMap<>();
            for (Contender c : contenders) {
                if (!c.isPipeline() || measuredLoads.length == 0) {
                    continue;
                }
                double capacity = report.imagesPerSecond(c);
                double[] rates = new double[measuredLoads.length];
                for (int i = 0; i < measuredLoads.length; i++) {
                    rates[i] = measuredLoads[i] * capacity;
                }
                latencies.put(
                        c, comparison.latency(c, rates, Duration.ofSeconds(latencySeconds), Duration.ofSeconds(3)));
            }
            report.table(
                    batch,
                    measuredLoads,
                    latencies,
                    configs.get(precisions.get(0))
                            .get(StreamOptions.MAX_BATCH_WAIT_MS)
                            .toMillis());
            if (!latencies.isEmpty()) {
                report.latencyParts(measuredLoads, latencies);
                Map<Contender, List<LoadCpu>> cpu = new LinkedHashMap<>();
                Map<Contender, Double> saturated = new LinkedHashMap<>();
                latencies.forEach((c, byLoad) -> {
                    cpu.put(
                            c,
                            byLoad.stream().map(PipelineComparison.AtLoad::cpu).toList());
                    saturated.put(c, report.ownCpuMillis(c));
                });
                LoadCpu.table(out, measuredLoads, cpu, saturated);
            }
            if (served.images().isLabelled()) {
                report.accuracy(served.manifest(), served.images());
            }
            report.cpuByThread();
            report.brokerWork();
        } finally {
            models.values().forEach(ModelRunner::close);
            plains.values().forEach(PlainSession::close);
            shared.values().forEach(PlainSession::close);
        }
    }

    /** How many images each precision's runs hold, and why as many. */
    private static String runLength(Map<String, Integer> sized, Map<String, Double> speeds) {
        List<String> counts = new ArrayList<>();
        sized.forEach((precision, n) -> counts.add(String.format("%,d images a run on %s", n, precision)));
        String line = String.join(", ", counts) + ", the first quarter of each not timed";
        if (sized.size() > 1) {
            List<String> rates = new ArrayList<>();
            speeds.forEach((precision, speed) -> rates.add(String.format("%s %.0f img/s", precision, speed)));
            line += " (as many more on the faster model as its first, unmeasured passes were faster: "
                    + String.join(", ", rates) + "; so every run lasts about as long)";
        }
        return line + ".";
    }

    /** fp32 and/or int8, each once; the precision is this option's, not a --set's or a --variant's. */
    private void checkPrecisions() {
        if (precisions.isEmpty()
                || precisions.stream().distinct().count() != precisions.size()
                || !precisions.stream()
                        .allMatch(p -> p.equals(PrecisionModels.FP32) || p.equals(PrecisionModels.INT8))) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--precision takes fp32, int8 or fp32,int8, got '" + String.join(",", precisions) + "'");
        }
        serveRows.refusePrecision();
    }
}
