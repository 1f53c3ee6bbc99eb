package io.fovea.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code bin/fovea bench}: one subcommand per measurement, each printing Markdown tables. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Measures the model, the stream app against a plain consumer loop, batch sizes, hot-swaps, trials, warm-up or training; prints Markdown tables.",
            "Each subcommand is one measurement, with its own options (bench SUBCOMMAND --help). Those that"
                    + " need Kafka start one in-process unless --bootstrap is given. docs/benchmarks.md shows each"
                    + " table beside the command line that made it."
        },
        subcommands = {
            BackendBenchCommand.class,
            PipelineBenchCommand.class,
            BatchSweepCommand.class,
            ProfileCommand.class,
            SwapBenchCommand.class,
            TrialBenchCommand.class,
            WarmUpBenchCommand.class,
            TrainingBenchCommand.class,
            InputFormatBenchCommand.class
        })
public final class BenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    /** Without a subcommand: an error that lists them (picocli prints the usage after it). */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(), "Missing subcommand: which measurement (bench SUBCOMMAND --help for each)");
    }
}
