package io.fovea.core.cli;

import picocli.CommandLine.Option;

/** {@code --name}: the model's name in the store. */
public final class ModelNameOption {
    @Option(
            names = "--name",
            defaultValue = "cifar10",
            description = "Model name in the store (default: ${DEFAULT-VALUE}).")
    private String name;

    public String name() {
        return name;
    }
}
