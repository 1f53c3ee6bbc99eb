package io.fovea.stream.model;

import io.fovea.avro.AutoRollback;
import io.fovea.stream.metrics.RollingShare;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A canary's automatic rollback, when its release asked for one: once the canary and the primary
 * have each classified the rule's number of labelled images since the canary started, and the
 * canary's accuracy over its last that many falls more than the margin below the primary's, it
 * asks once for the canary to end. The ending is a release like any other (see {@code
 * StreamApp#followReleases}), so every instance drops the canary, including those whose own
 * images had not shown it yet.
 */
public final class CanaryGuard {
    private static final Logger LOG = LoggerFactory.getLogger(CanaryGuard.class);

    private final Supplier<Lineup> lineup;
    private volatile Consumer<String> rollback =
            reason -> LOG.warn("No releases followed: cannot end the canary ({})", reason);
    private Object watching;
    private RollingShare canary;
    private RollingShare primary;
    private boolean fired;

    public CanaryGuard(Supplier<Lineup> lineup) {
        this.lineup = lineup;
    }

    /** What ends the canary, told why in a line. */
    public void onRollback(Consumer<String> action) {
        this.rollback = action;
    }

    /** A labelled image a served version classified. */
    public void observe(int version, boolean correct) {
        Lineup now = lineup.get();
        Lineup.Trial trial = now.canary();
        String reason;
        synchronized (this) {
            if (trial == null || trial.autoRollback() == null) {
                watching = null;
                return;
            }
            AutoRollback rule = trial.autoRollback();
            Object key = List.of(trial.runner(), now.primary(), rule);
            if (!key.equals(watching)) {
                // a new canary, primary or rule: judge only what this pairing classified
                watching = key;
                canary = new RollingShare(rule.getLabelledImages());
                primary = new RollingShare(rule.getLabelledImages());
                fired = false;
            }
            if (version == trial.runner().version()) {
                canary.add(correct);
            } else if (version == now.primary().version()) {
                primary.add(correct);
            } else {
                return;
            }
            int needed = rule.getLabelledImages();
            if (fired
                    || canary.count() < needed
                    || primary.count() < needed
                    || canary.value() >= primary.value() - rule.getMargin()) {
                return;
            }
            fired = true;
            reason = String.format(
                    "rolled back automatically: accuracy %.4f against the primary's %.4f over %d labelled images each,"
                            + " more than %.4f below",
                    canary.value(), primary.value(), needed, rule.getMargin());
        }
        LOG.warn("Canary {}@{} {}", now.primary().name(), trial.runner().version(), reason);
        rollback.accept(reason);
    }
}
