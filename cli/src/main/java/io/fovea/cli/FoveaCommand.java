package io.fovea.cli;

import io.fovea.bench.BenchCommand;
import io.fovea.cli.acls.AclsCommand;
import io.fovea.cli.broker.BrokerCommand;
import io.fovea.cli.consume.ConsumeCommand;
import io.fovea.cli.demo.DemoCommand;
import io.fovea.cli.models.ModelsCommand;
import io.fovea.cli.produce.ProduceCommand;
import io.fovea.core.cli.CommandErrors;
import io.fovea.core.runtime.NativeBackend;
import io.fovea.stream.ServeCommand;
import io.fovea.trainer.TrainCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code bin/fovea} launcher. */
@Command(
        name = "fovea",
        mixinStandardHelpOptions = true,
        version = "Fovea 0.1.0",
        description = "Kafka-native streaming image classifier.",
        subcommands = {
            DemoCommand.class,
            BrokerCommand.class,
            AclsCommand.class,
            ProduceCommand.class,
            ConsumeCommand.class,
            TrainCommand.class,
            ServeCommand.class,
            ModelsCommand.class,
            BenchCommand.class
        })
public final class FoveaCommand implements Runnable {

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        NativeBackend.configure(); // before any ND4J class loads
        System.exit(commandLine().execute(args));
    }

    /** The command line with Fovea's error handling: user errors print one clear line, not a stack trace. */
    public static CommandLine commandLine() {
        return CommandErrors.install(new CommandLine(new FoveaCommand()));
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }
}
