package io.fovea.core.cli;

import io.fovea.schemas.kafka.KafkaConnection;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code --bootstrap HOST:PORT} and {@code --command-config FILE}: the Kafka cluster and how to
 * sign in to it, for every command that talks to it. The file is a Kafka CLI tool's client
 * properties file; its secrets are read from it, never given on the command line.
 */
public final class KafkaOption {
    @Option(
            names = "--bootstrap",
            paramLabel = "HOST:PORT",
            scope = ScopeType.INHERIT,
            description = "Kafka bootstrap servers (or bootstrap.servers in --command-config).")
    private String bootstrap;

    @Option(
            names = "--command-config",
            paramLabel = "FILE",
            scope = ScopeType.INHERIT,
            description = "Kafka client properties for every client of the command: security.protocol,"
                    + " sasl.mechanism, sasl.jaas.config, ssl.truststore.location, ... (docs/security.md).")
    private Path commandConfig;

    @Spec(Spec.Target.MIXEE)
    private CommandSpec command;

    /** True when the cluster was named, by the flag or in the file. */
    public boolean given() {
        return (bootstrap != null && !bootstrap.isBlank()) || commandConfig != null;
    }

    /** The cluster, or null when neither option was given. */
    public KafkaConnection connectionOrNull() {
        return given() ? connection() : null;
    }

    /** The cluster, for a command that cannot do without. */
    public KafkaConnection connection() {
        if (!given()) {
            throw new ParameterException(command.commandLine(), "Missing required option: '--bootstrap=HOST:PORT'");
        }
        try {
            return KafkaConnection.load(bootstrap, commandConfig);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(command.commandLine(), e.getMessage());
        }
    }

    /** The properties file, or null. */
    public Path commandConfig() {
        return commandConfig;
    }

    /** The flag's bootstrap servers, or null. */
    public String bootstrapOrNull() {
        return bootstrap;
    }
}
