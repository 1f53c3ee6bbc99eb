package io.fovea.cli.models;

import io.fovea.avro.AutoRollback;
import io.fovea.avro.ReleaseAction;
import io.fovea.core.store.ModelRef;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(
        name = "canary",
        mixinStandardHelpOptions = true,
        description = {
            "Serves MODEL@VERSION to a share of the record keys.",
            "By hash of the key (one key always meets the same version), every instance alike; its"
                    + " predictions go to fovea.predictions and name it. promote ends it by serving it to all,"
                    + " rollback (or --stop) by serving it to none."
        })
public final class CanaryCommand implements Callable<Integer> {
    @ParentCommand
    ModelsCommand models;

    @Parameters(paramLabel = "MODEL@VERSION|MODEL", description = "The candidate; just MODEL with --stop.")
    String spec;

    @Option(names = "--share", paramLabel = "PERCENT", description = "Share of keys, more than 0 and at most 100.")
    Double share;

    @Option(
            names = "--auto-rollback-margin",
            paramLabel = "POINTS",
            description = "End the canary by itself when its accuracy falls this far (0..1) below the primary's...")
    Double margin;

    @Option(
            names = "--auto-rollback-after",
            paramLabel = "N",
            description = "... over the last N labelled images each has classified (default off).")
    Integer after;

    @Option(names = "--stop", description = "End the running canary: the primary serves every key again.")
    boolean stop;

    @Override
    public Integer call() {
        PrintWriter out = models.out();
        ModelRef target = stop ? ModelRef.parse(spec) : ModelRef.parsePinned(spec);
        Trials trials = new Trials(models, target.name());
        if (stop) {
            return trials.stop(ReleaseAction.CANARY_ENDED, out);
        }
        if (share == null || !(share > 0 && share <= 100)) {
            throw new IllegalArgumentException("canary needs --share PERCENT, more than 0 and at most 100");
        }
        if ((margin == null) != (after == null)) {
            throw new IllegalArgumentException("--auto-rollback-margin and --auto-rollback-after go together");
        }
        if (margin != null && (!(margin >= 0 && margin < 1) || after < 1)) {
            throw new IllegalArgumentException("--auto-rollback-margin is 0..1 and --auto-rollback-after at least 1");
        }
        AutoRollback rule = margin == null ? null : new AutoRollback(margin, after);
        trials.start(ReleaseAction.CANARY_STARTED, target.version().getAsInt(), share / 100, rule);
        out.printf(
                "Canary %s@%d on %s%% of keys%s%n",
                target.name(),
                target.version().getAsInt(),
                share,
                rule == null
                        ? ""
                        : String.format(
                                "; it ends itself if its accuracy falls %.4f below the primary's over %d labelled images",
                                margin, after));
        trials.announced(out);
        return 0;
    }
}
