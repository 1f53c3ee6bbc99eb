package io.fovea.bench;

import io.fovea.schemas.kafka.KafkaConnection;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bench model}: see {@link BackendBench}. */
@Command(
        name = "model",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Compares the backends (DL4J, ONNX Runtime) on the same network, alone and in the pipeline.",
            "The model alone at --batch-sizes against sgemm, and the pipeline at batch 32, alternated between the backends, --rounds rounds."
        })
final class BackendBenchCommand extends BenchRun {
    @Option(
            names = "--backend",
            split = ",",
            paramLabel = "BACKEND",
            defaultValue = "dl4j,onnxruntime",
            description = "The backends compared (default: ${DEFAULT-VALUE}).")
    List<String> backends;

    @Mixin
    PipelineOptions options;

    @Override
    void measure(PrintWriter out, KafkaConnection servers, Path work) {
        new BackendBench(
                        new PipelineBench(servers, work, options.settings()),
                        work,
                        options.input.side(),
                        options.events,
                        options.seconds,
                        options.rounds)
                .run(backends, options.batchSizes, options.referenceBatch(), out);
    }
}
