package io.fovea.bench;

import io.fovea.core.runtime.Blocking;
import io.fovea.schemas.kafka.KafkaConnection;
import io.fovea.stream.model.ModelRunner;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;
import org.deeplearning4j.nn.conf.inputs.InputType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code bench batches}: the bare model at several batch sizes (and against sgemm), the whole
 * pipeline through a real broker at the same sizes, the per-record pattern, and latency
 * percentiles at fractions of the measured maximum.
 */
@Command(
        name = "batches",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Measures the stream app (DL4J, in this JVM) against its bare model: throughput per batch size, and latency.",
            "The model alone against sgemm, the pipeline through a real broker at each batch size between two bare-model runs, the per-record pattern, and latency percentiles at shares of the maximum.",
            "Takes a few minutes."
        })
final class BatchSweepCommand extends BenchRun {
    private static final int ROUNDS = 5;
    private static final Duration SETTLE = Duration.ofMillis(500);

    @Mixin
    PipelineOptions options;

    @Option(
            names = "--latency-seconds",
            defaultValue = "20",
            description = "Measured seconds per offered load (default: ${DEFAULT-VALUE}).")
    int latencySeconds;

    /** The per-record pattern, and the batched pipeline in the runs just before and after it. */
    record PerRecord(double imagesPerSecond, double batchedAround) {}

    @Override
    void measure(PrintWriter out, KafkaConnection servers, Path work) {
        if (options.rounds < 2) {
            throw new ParameterException(
                    spec.commandLine(), "--rounds must be 2 or more: the per-record run goes between the first two");
        }
        int side = options.input.side();
        try (ModelRunner model = BenchModel.runner(side, true)) {
            double flops = ModelCost.flopsPerImage(
                    BenchModel.architecture(side).whole(1e-3), InputType.convolutional(side, side, 3));
            BenchReport report = new BenchReport(out, side, options.events, options.rounds, ROUNDS);
            report.header(flops);
            int reference = options.referenceBatch();
            ModelCost.AgainstSgemm sgemm = ModelCost.sgemmAgainstModel(model, reference, flops, ROUNDS, SETTLE);

            PipelineBench pipeline = new PipelineBench(servers, work, options.settings());
            String topic = pipeline.preload(options.events);
            JitWarmUp.run(pipeline, model, topic, options.events, reference, out);
            // the reference batch first, right after the warm-up at that batch, with the per-record
            // pattern between its first two rounds
            BatchRounds firstRound = pipelineRounds(pipeline, model, topic, reference, 1);
            double perRecordRate = pipeline.perRecordThroughput(model, topic, Math.min(options.events, 1000));
            BatchRounds referenceRuns =
                    firstRound.and(pipelineRounds(pipeline, model, topic, reference, options.rounds - 1));
            PerRecord perRecord = new PerRecord(
                    perRecordRate,
                    (referenceRuns.rounds().get(0).measured()
                                    + referenceRuns.rounds().get(1).measured())
                            / 2);
            Map<Integer, BatchRounds> byBatch = new LinkedHashMap<>();
            for (int batch : options.batchSizes) {
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
                PipelineBench.Run run = pipeline.run(model, topic, options.events, batch);
                runs.add(run);
                return run.imagesPerSecond();
            }));
        }
        return new BatchRounds(batch, measured, runs);
    }

    /** Fovea's fast path over DL4J's built-in convolution path (oneDNN helpers off), batch 32. */
    private double builtInPathRatio(ModelRunner model) {
        try (ModelRunner builtIn = BenchModel.runner(options.input.side(), false)) {
            return 1
                    / aroundBare(model, 32, () -> BenchModel.bareImagesPerSecond(builtIn, 32, options.seconds))
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
        double before = BenchModel.bareImagesPerSecond(model, batch, options.seconds / 2);
        double measured = measurement.getAsDouble();
        // what the measurement leaves running (an app closing, spinning threads) settles first
        Blocking.pause(SETTLE);
        double after = BenchModel.bareImagesPerSecond(model, batch, options.seconds / 2);
        return new AroundBare(before, measured, after);
    }
}
