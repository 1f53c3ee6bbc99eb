package io.fovea.core.cli;

import io.fovea.core.bundle.BundleIntegrityException;
import io.fovea.core.dataset.DatasetException;
import io.fovea.core.store.StoreUnavailableException;
import io.fovea.schemas.kafka.KafkaFailures;
import java.io.UncheckedIOException;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;

/**
 * What a command prints when it fails on something the user can fix: one line that says what
 * and what to do, exit code 2. Anything else is a defect and keeps its stack trace.
 */
public final class CommandErrors implements IExecutionExceptionHandler {
    public static final int USER_ERROR = 2;

    /** A command line with this handler. */
    public static CommandLine install(CommandLine cli) {
        cli.setExecutionExceptionHandler(new CommandErrors());
        return cli;
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult)
            throws Exception {
        Optional<String> message = messageOf(e);
        if (message.isEmpty()) {
            throw e;
        }
        commandLine.getErr().println("fovea " + commandLine.getCommandName() + ": " + message.get());
        commandLine.getErr().flush();
        return USER_ERROR;
    }

    /** The one line for a failure the user can fix, if this is one. */
    public static Optional<String> messageOf(Throwable e) {
        // Ours first: their messages already say what was being done, and explain Kafka's refusals.
        if (e instanceof DatasetException
                || e instanceof IllegalStateException
                || e instanceof IllegalArgumentException
                || e instanceof UncheckedIOException
                || e instanceof BundleIntegrityException
                || e instanceof StoreUnavailableException) {
            return Optional.of(e.getMessage());
        }
        return KafkaFailures.explain(e);
    }
}
