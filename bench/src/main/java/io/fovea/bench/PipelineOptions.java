package io.fovea.bench;

import io.fovea.core.cli.InputSizeOption;
import io.fovea.core.cli.SecretSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** What {@code bench pipeline} and {@code bench model} both measure with: the network, the batches, the runs. */
final class PipelineOptions {
    @Option(
            names = "--batch-sizes",
            split = ",",
            defaultValue = "1,8,32,64",
            description = "Batch sizes (default: ${DEFAULT-VALUE}).")
    List<Integer> batchSizes;

    @Option(
            names = "--events",
            defaultValue = "4000",
            description = {
                "Images per pipeline run (default: ${DEFAULT-VALUE}). Each run starts a new app; its start"
                        + " is not timed, its first fetches and last commit are."
            })
    int events;

    @Option(
            names = "--rounds",
            defaultValue = "5",
            description = {
                "Pipeline runs, each between two bare-model runs, at batch 32 (default: ${DEFAULT-VALUE});"
                        + " the ratio is the median of theirs."
            })
    int rounds;

    @Option(
            names = "--seconds",
            defaultValue = "8",
            description = "Seconds per bare-model measurement (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Mixin
    InputSizeOption input;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description =
                    "A stream app setting for every pipeline run, e.g. --set kafka.commit.interval.ms=500 (repeatable).")
    Map<String, String> settings = new LinkedHashMap<>();

    /** The batch the pipeline is measured at in detail: 32 if measured, else the largest. */
    int referenceBatch() {
        return batchSizes.contains(32) ? 32 : batchSizes.get(batchSizes.size() - 1);
    }

    /** The stream app settings of every run, refused if one is a secret. */
    Map<String, String> settings() {
        SecretSettings.refuseOnCommandLine(settings);
        return settings;
    }
}
