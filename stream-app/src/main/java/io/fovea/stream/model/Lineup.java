package io.fovea.stream.model;

import io.fovea.avro.AutoRollback;
import io.fovea.core.release.KeyShare;
import io.fovea.stream.metrics.StreamMetrics;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * The versions in service together: the primary, and a canary and a shadow while those trials
 * run. The inference thread switches whole lineups between forward passes, so a pass never sees
 * half of a change.
 *
 * @param canary classifies the keys its share takes, its predictions served; or null
 * @param shadow also classifies the images its share takes, its predictions kept apart; or null
 */
public record Lineup(ModelRunner primary, Trial canary, Trial shadow) {
    /**
     * A version on trial and the share it takes (0..1).
     *
     * @param keys which keys a canary's share takes: the trial's own salt, the same on every instance
     */
    public record Trial(ModelRunner runner, double share, AutoRollback autoRollback, KeyShare keys) {
        /** A trial under the fixed salt, as a release of an older version names it. */
        public Trial(ModelRunner runner, double share, AutoRollback autoRollback) {
            this(runner, share, autoRollback, KeyShare.CANARY);
        }
    }

    /** What a submission asks for: the version that serves its keys, or the shadow. */
    public enum Role {
        PRIMARY,
        CANARY,
        SHADOW
    }

    public static Lineup of(ModelRunner primary) {
        return new Lineup(primary, null, null);
    }

    /** The runner for a role now, or null for a shadow that no longer runs. A canary that ended falls back to the primary. */
    public ModelRunner runnerFor(Role role) {
        return switch (role) {
            case PRIMARY -> primary;
            case CANARY -> canary == null ? primary : canary.runner();
            case SHADOW -> shadow == null ? null : shadow.runner();
        };
    }

    /** Every runner, once each (a version may fill two roles). */
    public Set<ModelRunner> runners() {
        Set<ModelRunner> all = Collections.newSetFromMap(new IdentityHashMap<>());
        all.add(primary);
        if (canary != null) {
            all.add(canary.runner());
        }
        if (shadow != null) {
            all.add(shadow.runner());
        }
        return all;
    }

    /** The runner of {@code version} in this lineup, whatever its role, or null. */
    public ModelRunner find(String model, int version) {
        for (ModelRunner runner : runners()) {
            if (runner.name().equals(model) && runner.version() == version) {
                return runner;
            }
        }
        return null;
    }

    /** Closes what this lineup holds and {@code next} does not. */
    public void closeAllBut(Lineup next) {
        Set<ModelRunner> kept = next == null ? Set.of() : next.runners();
        for (ModelRunner runner : runners()) {
            if (!kept.contains(runner)) {
                runner.close();
            }
        }
    }

    /** Puts what serves now on the meters. */
    public void report(StreamMetrics metrics) {
        String model = primary.name();
        metrics.modelInService(model, primary.version());
        metrics.trials()
                .inService(
                        model,
                        "canary",
                        canary == null ? 0 : canary.runner().version(),
                        canary == null ? 0 : canary.share());
        metrics.trials()
                .inService(
                        model,
                        "shadow",
                        shadow == null ? 0 : shadow.runner().version(),
                        shadow == null ? 0 : shadow.share());
    }

    public String describe() {
        return primary.name() + "@" + primary.version()
                + (canary == null ? "" : ", canary @" + canary.runner().version() + " on " + percent(canary.share()))
                + (shadow == null ? "" : ", shadow @" + shadow.runner().version() + " on " + percent(shadow.share()));
    }

    private static String percent(double share) {
        return String.format("%.4g%%", share * 100);
    }
}
