package io.fovea.bench;

import io.fovea.broker.LocalKafkaBroker;
import io.fovea.core.cli.KafkaOption;
import io.fovea.schemas.kafka.KafkaConnection;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * What every bench subcommand that needs Kafka shares: a broker (in-process unless --bootstrap
 * is given) and a work folder (stores, Kafka Streams state, serve's log), kept only after a failure.
 */
abstract class BenchRun implements Callable<Integer> {
    /** A broker to use instead of an in-process one. */
    @Mixin
    KafkaOption kafka;

    @Spec
    CommandSpec spec;

    /** The measurement itself, against {@code servers}, its files under {@code work}. */
    abstract void measure(PrintWriter out, KafkaConnection servers, Path work) throws IOException;

    @Override
    public final Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Path work = Files.createTempDirectory("fovea-bench-state-");
        LocalKafkaBroker broker = kafka.given() ? null : LocalKafkaBroker.startTemporary();
        KafkaConnection servers = broker == null ? kafka.connection() : KafkaConnection.to(broker.bootstrapServers());
        try {
            measure(out, servers, work);
            deleteTree(work); // wanted only after a failure
            return 0;
        } catch (ParameterException e) {
            deleteTree(work); // refused before anything ran: no files worth keeping
            throw e;
        } catch (RuntimeException e) {
            spec.commandLine().getErr().println("bench failed; its files (serve.log among them) are in " + work);
            throw e;
        } finally {
            if (broker != null) {
                broker.close();
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
