package io.fovea.bench;

import io.fovea.core.cli.InputSizeOption;
import io.fovea.core.cli.SecretSettings;
import io.fovea.schemas.kafka.KafkaConnection;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bench swaps}: see {@link SwapBench}. */
@Command(
        name = "swaps",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Hot-swaps two VGG16 versions under load and measures swap time, output pause and memory.",
            "serve runs in a JVM of its own; a corrupt version is refused on the way. Then the time to load a"
                    + " version from a directory store, and from an object store the first time and cached."
        })
final class SwapBenchCommand extends BenchRun {
    @Option(
            names = "--count",
            paramLabel = "N",
            defaultValue = "30",
            description = "Swaps, 0 for none (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(
            names = "--load",
            paramLabel = "IMAGES_PER_SECOND",
            defaultValue = "50",
            description = "Images/s offered while swapping (default: ${DEFAULT-VALUE}).")
    double load;

    @Option(
            names = "--backend",
            paramLabel = "BACKEND",
            defaultValue = "dl4j",
            description =
                    "The backend that serves the versions swapped: dl4j or onnxruntime (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(
            names = "--load-rounds",
            paramLabel = "N",
            defaultValue = "3",
            description = "Rounds of the store load times, 0 for none (default: ${DEFAULT-VALUE}).")
    int loadRounds;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description = "A serve setting over the benchmark's, e.g. --set inference.passes=1 (repeatable).")
    Map<String, String> settings = new LinkedHashMap<>();

    @Mixin
    ServeJvmOption serveJvm;

    @Mixin
    InputSizeOption input;

    @Override
    void measure(PrintWriter out, KafkaConnection servers, Path work) {
        if (count > 0) {
            SecretSettings.refuseOnCommandLine(settings);
            new SwapBench(servers, kafka.commandConfig(), work, serveJvm.list(), backend, settings, input.side())
                    .run(count, load, out);
        }
        if (loadRounds > 0) {
            new StoreLoadBench(servers, work, backend).run(loadRounds, out);
        }
    }
}
