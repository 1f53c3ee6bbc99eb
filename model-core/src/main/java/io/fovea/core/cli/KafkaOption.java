package io.fovea.core.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** {@code --bootstrap HOST:PORT}: the Kafka cluster, for every command that talks to it. */
public final class KafkaOption {
    @Option(
            names = "--bootstrap",
            paramLabel = "HOST:PORT",
            scope = ScopeType.INHERIT,
            description = "Kafka bootstrap servers.")
    private String bootstrap;

    @Spec(Spec.Target.MIXEE)
    private CommandSpec command;

    /** The bootstrap servers, or null when not given. */
    public String bootstrapOrNull() {
        return bootstrap;
    }

    /** The bootstrap servers, for a command that cannot do without. */
    public String bootstrap() {
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new ParameterException(command.commandLine(), "Missing required option: '--bootstrap=HOST:PORT'");
        }
        return bootstrap;
    }
}
