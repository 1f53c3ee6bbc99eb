package io.fovea.bench;

import io.fovea.core.bundle.BundleManifest;
import io.fovea.core.cli.StoreOption;
import io.fovea.core.onnx.quant.QuantizationData;
import io.fovea.core.store.DirectoryModelStore;
import io.fovea.core.store.ModelRef;
import io.fovea.schemas.kafka.KafkaConnection;
import io.fovea.stream.model.ModelRunner;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
            description =
                    "The backends compared (default: ${DEFAULT-VALUE}); --backend= for none (the precisions only).")
    List<String> backends;

    @Mixin
    PipelineOptions options;

    @Option(
            names = "--precision",
            split = ",",
            paramLabel = "fp32|int8",
            defaultValue = "fp32,int8",
            description = {
                "The precisions compared on ONNX Runtime, the model alone at batch 32, with accuracy beside speed"
                        + " (default: ${DEFAULT-VALUE}); empty for none."
            })
    List<String> precisions;

    @Option(
            names = "--model",
            paramLabel = "NAME@VERSION",
            description = {
                "Compare the precisions on this stored version (its model.onnx and model.int8.onnx, accuracy from its"
                        + " manifest) instead of the bench's random-weight VGG16; the backends are not compared then."
            })
    String model;

    @Option(
            names = "--test-data",
            paramLabel = "PATH",
            description = {
                "With --model: also measure both precisions' top-1 and their agreement here, on this CPU, through"
                        + " serve's sessions, on this test set (a CIFAR-10 folder's test_batch.bin, or a dataset),"
                        + " beside what the version's gate recorded where it was quantized."
            })
    Path testData;

    @Mixin
    StoreOption store;

    @Override
    void measure(PrintWriter out, KafkaConnection servers, Path work) {
        if (model != null) {
            ModelRef ref = ModelRef.parsePinned(model);
            DirectoryModelStore models = new DirectoryModelStore(store.path());
            int version = ref.version().getAsInt();
            BundleManifest manifest = models.manifest(ref.name(), version);
            // read first: a wrong path is refused before the sessions are opened
            QuantizationData test =
                    testData == null ? null : QuantizationData.testOnly(testData, manifest.labels(), Integer.MAX_VALUE);
            Map<String, ModelRunner> runners = new LinkedHashMap<>();
            try {
                for (String precision : precisions) {
                    runners.put(precision, PrecisionModels.stored(models, ref.name(), version, precision));
                }
                PrecisionBench.run(runners, manifest, test, 32, options.rounds, options.seconds / 2, out);
            } finally {
                runners.values().forEach(ModelRunner::close);
            }
            return;
        }
        if (backends.stream().anyMatch(b -> !b.isBlank())) {
            measureBackends(out, servers, work);
        }
        if (!precisions.isEmpty()) {
            Map<String, ModelRunner> runners = PrecisionModels.benchVgg16(options.input.side(), precisions);
            try {
                out.println();
                PrecisionBench.run(runners, null, null, 32, options.rounds, options.seconds / 2, out);
            } finally {
                runners.values().forEach(ModelRunner::close);
            }
        }
    }

    private void measureBackends(PrintWriter out, KafkaConnection servers, Path work) {
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
