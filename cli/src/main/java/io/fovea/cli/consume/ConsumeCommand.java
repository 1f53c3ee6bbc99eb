package io.fovea.cli.consume;

import io.fovea.core.cli.KafkaOption;
import io.fovea.schemas.Topics;
import io.fovea.schemas.kafka.KafkaConnection;
import io.fovea.schemas.registry.RegistrySettings;
import io.fovea.schemas.registry.SchemaRegistryClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "consume",
        mixinStandardHelpOptions = true,
        description = {
            "Prints the records of a Fovea topic, one a line.",
            "Reads from the beginning, with read_committed isolation, and stops at the end unless --follow.",
            "Any Fovea record type is recognised by its schema fingerprint: predictions (with the running"
                    + " accuracy where ground truth is present), dead letters, image events, model releases.",
            "Every wire format is read: single-object Avro, registry-framed Avro (schema.registry.url in"
                    + " --command-config) and plain PNG/JPEG image files with fovea.* headers."
        })
public final class ConsumeCommand implements Callable<Integer> {
    @Mixin
    KafkaOption kafka;

    @Option(
            names = "--topic",
            defaultValue = Topics.PREDICTIONS,
            description = "Topic to read (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--limit", paramLabel = "N", description = "Stop after N records.")
    long limit = Long.MAX_VALUE;

    @Option(
            names = "--follow",
            description = "Keep waiting for new records (Ctrl-C stops) instead of stopping at the end.")
    boolean follow;

    @Option(names = "--json", description = "Print each record as Avro JSON instead of a summary line.")
    boolean json;

    @Option(
            names = "--wait",
            defaultValue = "30",
            paramLabel = "SECONDS",
            description = "How long to wait for the topic to exist (default: ${DEFAULT-VALUE}).")
    long waitSeconds;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        KafkaConnection connection = kafka.connection();
        RegistrySettings registry = RegistrySettings.from(connection.settings());
        RecordPrinter printer = new RecordPrinter(
                out, json, Long.MAX_VALUE, registry == null ? null : new SchemaRegistryClient(registry));
        AtomicBoolean stop = new AtomicBoolean();
        Thread summaryOnExit = new Thread(() -> {
            stop.set(true);
            printer.printSummary(err);
        });
        Runtime.getRuntime().addShutdownHook(summaryOnExit);
        try (TopicReader reader = new TopicReader(connection, topic)) {
            reader.read(limit, follow, Duration.ofSeconds(waitSeconds), stop::get, printer::print);
        }
        Runtime.getRuntime().removeShutdownHook(summaryOnExit);
        printer.printSummary(err);
        return 0;
    }
}
