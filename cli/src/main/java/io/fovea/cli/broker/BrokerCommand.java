package io.fovea.cli.broker;

import io.fovea.broker.LocalKafkaBroker;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "broker",
        mixinStandardHelpOptions = true,
        description = {
            "Runs a real single-node Kafka broker in the foreground, until Ctrl-C.",
            "Kafka 4.4, KRaft, broker and controller combined, on 127.0.0.1. DIR is formatted on first",
            "start and kept after, with the settings that let consumer groups and exactly-once",
            "transactions work on one node."
        })
public final class BrokerCommand implements Callable<Integer> {
    @Option(
            names = "--dir",
            paramLabel = "DIR",
            description = "Data folder (default: ${DEFAULT-VALUE}).",
            defaultValue = "${sys:user.home}/.fovea/kafka")
    Path dir;

    @Option(names = "--port", defaultValue = "9092", description = "Client port (default: ${DEFAULT-VALUE}).")
    int port;

    @Override
    public Integer call() {
        LocalKafkaBroker broker = LocalKafkaBroker.start(dir, port);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            System.err.println("Stopping Kafka...");
                            broker.close();
                            System.err.println("Kafka stopped; data kept in " + dir);
                        },
                        "broker-stop"));
        System.out.println("Kafka ready at " + broker.bootstrapServers() + " (data in " + dir + "). Ctrl-C stops it.");
        broker.awaitShutdown();
        return 0;
    }
}
