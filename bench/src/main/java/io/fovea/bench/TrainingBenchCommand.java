package io.fovea.bench;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bench training}: see {@link TrainingBench}. */
@Command(
        name = "training",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Times a training step against a forward pass of the same network and batch.",
            "For the from-scratch ResNet and VGG16, stock DL4J and as train builds them. Needs no Kafka."
        })
final class TrainingBenchCommand implements Callable<Integer> {
    @Option(
            names = "--rounds",
            defaultValue = "5",
            description = "Rounds, each measuring every variant once (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(
            names = "--seconds",
            defaultValue = "8",
            description = "Seconds per measurement (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        new TrainingBench(seconds).run(rounds, spec.commandLine().getOut());
        return 0;
    }
}
