package io.fovea.cli.models;

import io.fovea.avro.ReleaseAction;
import io.fovea.core.release.ReleasePublisher;
import io.fovea.core.release.Rollout;
import io.fovea.core.store.ModelRef;
import io.fovea.core.store.Promotions;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(
        name = "promote",
        mixinStandardHelpOptions = true,
        description = {
            "Makes MODEL@VERSION the version that serves, checked to load first.",
            "A canary or shadow of it ends. --require refuses (exit 3, with the figures) unless its trial's"
                    + " evidence meets every term, e.g. agreement>=0.95,samples>=1000 or accuracy_gain>=-0.01 (see"
                    + " models evidence)."
        })
public final class PromoteCommand implements Callable<Integer> {
    /** Exit code of a promotion its gate refused. */
    static final int REFUSED = 3;

    @ParentCommand
    ModelsCommand models;

    @Parameters(paramLabel = "MODEL@VERSION")
    String spec;

    @Option(
            names = "--require",
            paramLabel = "FIGURE>=NUMBER,...",
            description = "Promote only when the trial's evidence meets every term (models evidence prints the"
                    + " figures); otherwise exit 3 and print them.")
    String require;

    @Override
    public Integer call() {
        ModelRef target = ModelRef.parsePinned(spec);
        String model = target.name();
        int version = target.version().getAsInt();
        Rollout state = models.kafka.given() ? new Trials(models, model).state() : null;
        if (require != null && !gatePasses(state, model, version)) {
            return REFUSED;
        }
        try (ReleasePublisher publisher = models.publisher()) {
            Promotions.Change change =
                    models.store().promote(model, version, ModelsCommand.announcer(publisher, ReleaseAction.PROMOTED));
            int code = models.report(publisher, model, change, ReleaseAction.PROMOTED);
            if (state != null) {
                endTrialsOf(model, version, state);
            }
            return code;
        }
    }

    /** Reads the trial's evidence and says, with the figures, when it falls short. */
    private boolean gatePasses(Rollout state, String model, int version) {
        if (state == null) {
            throw new IllegalArgumentException("--require reads the evidence from the cluster: give --bootstrap");
        }
        Rollout.Trial trial = EvidenceCommand.trialOf(state, version);
        TrialEvidence evidence = models.evidence(model, version, trial.startedAt());
        PromotionGate gate =
                PromotionGate.parse(require, List.copyOf(evidence.figures().keySet()));
        List<PromotionGate.Term> unmet = gate.unmet(evidence.figures());
        if (unmet.isEmpty()) {
            return true;
        }
        EvidenceCommand.print(models.out(), model, version, trial.startedAt(), evidence);
        models.spec
                .commandLine()
                .getErr()
                .printf(
                        "fovea models promote: refused %s@%d: the evidence does not meet %s%n",
                        model, version, unmet.stream().map(Object::toString).collect(Collectors.joining(", ")));
        return false;
    }

    /** A promoted version's trials end: it serves everyone now (serve concludes so too; the record keeps compaction honest). */
    private void endTrialsOf(String model, int version, Rollout state) {
        Trials trials = new Trials(models, model);
        PrintWriter out = models.out();
        if (state.canary() != null && state.canary().version() == version) {
            trials.end(state.canary(), ReleaseAction.CANARY_ENDED, version, "promoted");
            out.printf("canary %s@%d ended: promoted%n", model, version);
        }
        if (state.shadow() != null && state.shadow().version() == version) {
            trials.end(state.shadow(), ReleaseAction.SHADOW_ENDED, version, "promoted");
            out.printf("shadow %s@%d ended: promoted%n", model, version);
        }
        out.flush();
    }
}
