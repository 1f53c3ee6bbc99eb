package io.fovea.bench;

import io.fovea.schemas.kafka.KafkaConnection;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bench trials}: see {@link TrialBench}. */
@Command(
        name = "trials",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Measures what a shadow and a canary cost the served version's throughput and memory.",
            "A shadow on every image and on 10%%, a 10%% canary, and resident memory with two versions; serve runs in a JVM of its own, --rounds rounds of --events images per condition, alternated."
        })
final class TrialBenchCommand extends BenchRun {
    @Option(
            names = "--rounds",
            defaultValue = "5",
            description = "Rounds, each running every condition once (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(
            names = "--events",
            defaultValue = "4000",
            description = "Images per condition and round (default: ${DEFAULT-VALUE}).")
    int events;

    @Mixin
    ServeJvmOption serveJvm;

    @Override
    void measure(PrintWriter out, KafkaConnection servers, Path work) {
        new TrialBench(servers, work, serveJvm.list()).run(rounds, events, out);
    }
}
