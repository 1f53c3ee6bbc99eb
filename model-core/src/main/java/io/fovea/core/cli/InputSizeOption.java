package io.fovea.core.cli;

import picocli.CommandLine.Option;

/** {@code --input-size S}: the side of the model's square input, for commands that build a model. */
public final class InputSizeOption {
    @Option(
            names = "--input-size",
            defaultValue = "32",
            paramLabel = "S",
            description = "Images are resized (bilinear) to SxS, 32 to 224 (default: ${DEFAULT-VALUE}).")
    private int inputSize;

    public int side() {
        return inputSize;
    }
}
