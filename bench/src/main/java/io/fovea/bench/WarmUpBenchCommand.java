package io.fovea.bench;

import io.fovea.schemas.kafka.KafkaConnection;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bench warm-up}: see {@link WarmUpBench}. */
@Command(
        name = "warm-up",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Measures a fresh serve's throughput per 5 s window from ready against its own steady state.",
            "For each JVM setup (JDK 17 tiered, C1 only, AppCDS; JDK 25 and its AOT cache where one is installed), alternated --rounds rounds; serve runs in a JVM of its own."
        })
final class WarmUpBenchCommand extends BenchRun {
    @Option(
            names = "--seconds",
            defaultValue = "90",
            description = "Seconds each fresh serve is watched from ready (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(
            names = "--rounds",
            defaultValue = "2",
            description = "Fresh serves per JVM setup (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(
            names = "--jdk25",
            paramLabel = "JAVA_HOME",
            description = "A JDK 25 (default: the first under /usr/lib/jvm).")
    Path jdk25;

    @Mixin
    ServeJvmOption serveJvm;

    @Override
    void measure(PrintWriter out, KafkaConnection servers, Path work) {
        Path jdk = jdk25 != null ? jdk25 : JvmSetup.findJdk(25).orElse(null);
        new WarmUpBench(servers, work, serveJvm.list())
                .run(JvmSetup.all(work, jdk), rounds, Duration.ofSeconds(seconds), out);
    }
}
