package io.fovea.core.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code --store DIR}: the model store, for every command that reads or writes it. */
public final class StoreOption {
    @Option(
            names = "--store",
            paramLabel = "DIR",
            defaultValue = "${sys:user.home}/.fovea/models",
            scope = ScopeType.INHERIT,
            description = "Model store folder (default: ${DEFAULT-VALUE}).")
    private Path store;

    public Path path() {
        return store;
    }
}
