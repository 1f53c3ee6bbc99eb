package io.fovea.cli.models;

import io.fovea.avro.ReleaseAction;
import io.fovea.core.store.ModelRef;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(
        name = "shadow",
        mixinStandardHelpOptions = true,
        description = {
            "Runs MODEL@VERSION beside the version that serves, its predictions kept apart.",
            "On every image or a sampled share, in every instance; its predictions go to"
                    + " fovea.predictions.shadow, never to fovea.predictions. models evidence compares the two;"
                    + " --stop ends it."
        })
public final class ShadowCommand implements Callable<Integer> {
    @ParentCommand
    ModelsCommand models;

    @Parameters(paramLabel = "MODEL@VERSION|MODEL", description = "The candidate; just MODEL with --stop.")
    String spec;

    @Option(
            names = "--sample",
            paramLabel = "FRACTION",
            defaultValue = "1",
            description = "Share of images it also classifies, more than 0 and at most 1 (default: ${DEFAULT-VALUE}).")
    double sample;

    @Option(names = "--stop", description = "End the running shadow.")
    boolean stop;

    @Override
    public Integer call() {
        PrintWriter out = models.out();
        ModelRef target = stop ? ModelRef.parse(spec) : ModelRef.parsePinned(spec);
        Trials trials = new Trials(models, target.name());
        if (stop) {
            return trials.stop(ReleaseAction.SHADOW_ENDED, out);
        }
        if (!(sample > 0 && sample <= 1)) {
            throw new IllegalArgumentException("--sample is more than 0 and at most 1, got " + sample);
        }
        trials.start(ReleaseAction.SHADOW_STARTED, target.version().getAsInt(), sample, null);
        out.printf(
                "Shadow %s@%d on %s of images%n",
                target.name(), target.version().getAsInt(), sample);
        trials.announced(out);
        return 0;
    }
}
