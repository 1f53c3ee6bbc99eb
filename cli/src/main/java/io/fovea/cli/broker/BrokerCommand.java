package io.fovea.cli.broker;

import io.fovea.broker.BrokerSecurity;
import io.fovea.broker.LocalKafkaBroker;
import io.fovea.schemas.Topics;
import io.fovea.schemas.kafka.FoveaAcls;
import io.fovea.schemas.kafka.KafkaConnection;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "broker",
        mixinStandardHelpOptions = true,
        description = {
            "Runs a real single-node Kafka broker in the foreground, until Ctrl-C.",
            "Kafka 4.4, KRaft, broker and controller combined, on 127.0.0.1. DIR is formatted on first"
                    + " start and kept after, with the settings that let consumer groups and exactly-once"
                    + " transactions work on one node. --secure makes it a secured cluster: SASL_SSL with"
                    + " SCRAM-SHA-512 users, a certificate of its own, and ACLs (docs/security.md)."
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

    @Option(
            names = "--secure",
            description = "SASL_SSL with SCRAM-SHA-512 and ACLs; writes client properties files and prints where.")
    boolean secure;

    @Override
    public Integer call() throws IOException {
        LocalKafkaBroker broker = LocalKafkaBroker.start(dir, port, secure);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            System.err.println("Stopping Kafka...");
                            broker.close();
                            System.err.println("Kafka stopped; data kept in " + dir);
                        },
                        "broker-stop"));
        if (secure) {
            describeSecured(broker);
        }
        System.out.println("Kafka ready at " + broker.bootstrapServers() + " (data in " + dir + "). Ctrl-C stops it.");
        broker.awaitShutdown();
        return 0;
    }

    /** Grants the app user every Fovea role and prints the client files; passwords stay in the files. */
    static void describeSecured(LocalKafkaBroker broker) throws IOException {
        BrokerSecurity security = broker.security();
        String principal = "User:" + BrokerSecurity.APP;
        FoveaAcls.grant(KafkaConnection.of(broker.adminSettings()), FoveaAcls.all(principal, Topics.APPLICATION_ID));
        Path app = security.writeClientProperties(broker.bootstrapServers(), BrokerSecurity.APP);
        Path admin = security.writeClientProperties(broker.bootstrapServers(), BrokerSecurity.ADMIN);
        System.out.println("Secured: SASL_SSL, " + BrokerSecurity.MECHANISM + ", ACLs enforced. Client properties:");
        System.out.println("  " + principal + " (the ACLs of every Fovea command): --command-config " + app);
        System.out.println("  User:" + BrokerSecurity.ADMIN + " (super user): --command-config " + admin);
        System.out.println("  e.g. bin/fovea produce --command-config " + app + " --data PATH");
        System.out.println("  kcat: -X security.protocol=SASL_SSL -X sasl.mechanisms=" + BrokerSecurity.MECHANISM
                + " (librdkafka 2.6.1 or later; PLAIN for older) -X sasl.username=" + BrokerSecurity.APP
                + " -X sasl.password=<see " + app.getFileName() + "> -X ssl.ca.location=" + security.caFile());
    }
}
