package io.fovea.cli.models;

import io.fovea.core.release.Rollout;
import io.fovea.core.store.ModelRef;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(
        name = "evidence",
        mixinStandardHelpOptions = true,
        description = {
            "Prints what the committed predictions say about a version on trial since it started.",
            "Samples, top-1 agreement with the served version (shadow), and both accuracies where the"
                    + " events carry labels: the figures promote --require judges."
        })
public final class EvidenceCommand implements Callable<Integer> {
    @ParentCommand
    ModelsCommand models;

    @Parameters(paramLabel = "MODEL[@VERSION]", description = "The model; the version on trial unless named.")
    String spec;

    @Option(
            names = "--since",
            paramLabel = "INSTANT",
            description = "From when (ISO-8601); default: the trial's start.")
    Instant since;

    @Override
    public Integer call() {
        ModelRef target = ModelRef.parse(spec);
        Rollout state = new Trials(models, target.name()).state();
        Rollout.Trial trial = trialOf(state, target.version().orElse(0));
        int version = target.version().orElse(trial.version());
        Instant from = since != null ? since : trial.startedAt();
        TrialEvidence evidence = models.evidence(target.name(), version, from);
        print(models.out(), target.name(), version, from, evidence);
        return 0;
    }

    /** The running trial of {@code version} (any, when 0). */
    static Rollout.Trial trialOf(Rollout state, int version) {
        for (Rollout.Trial trial : new Rollout.Trial[] {state.canary(), state.shadow()}) {
            if (trial != null && (version == 0 || trial.version() == version)) {
                return trial;
            }
        }
        throw new IllegalArgumentException("no canary or shadow "
                + (version == 0 ? "runs" : "of version " + version + " runs")
                + " (" + state.describe() + "); name a version and --since to judge an earlier one");
    }

    static void print(PrintWriter out, String model, int version, Instant since, TrialEvidence evidence) {
        out.printf("%s@%d since %s, from %s predictions:%n", model, version, since, evidence.source());
        for (Map.Entry<String, Double> figure : evidence.figures().entrySet()) {
            double value = figure.getValue();
            out.printf(
                    "  %-17s %s%n",
                    figure.getKey(),
                    Double.isNaN(value)
                            ? "-"
                            : TrialEvidence.COUNTS.contains(figure.getKey())
                                    ? String.format("%.0f", value)
                                    : String.format("%.4f", value));
        }
        out.flush();
    }
}
