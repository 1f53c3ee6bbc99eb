package io.fovea.cli.models;

import io.fovea.avro.AutoRollback;
import io.fovea.avro.ReleaseAction;
import io.fovea.core.release.ReleaseCheck;
import io.fovea.core.release.ReleasePublisher;
import io.fovea.core.release.Rollout;
import io.fovea.core.release.RolloutReader;
import io.fovea.core.store.ModelStore;
import java.io.PrintWriter;

/**
 * Starting and ending canaries and shadows: each is a release on the compacted topic, which every
 * serve instance follows, so the topic (not the store) holds a trial's state; it is read back
 * before each change.
 */
final class Trials {
    private final ModelsCommand models;
    private final String model;

    Trials(ModelsCommand models, String model) {
        this.models = models;
        this.model = model;
    }

    /** What the releases topic says serves now. */
    Rollout state() {
        return RolloutReader.read(
                models.kafka.connection(), models.releasesTopic, model, new ReleaseCheck(models.store()));
    }

    /** The version serving everyone: the topic's, else the store's promoted one. */
    int primary(Rollout state) {
        if (state.primary() != null) {
            return state.primary();
        }
        return models.store()
                .promoted(model)
                .orElseThrow(() -> new IllegalArgumentException(
                        "no version of " + model + " was promoted yet: promote one before trying another beside it"));
    }

    /** Starts a canary or shadow of {@code version} on {@code share} (0..1). */
    void start(ReleaseAction action, int version, double share, AutoRollback autoRollback) {
        ModelStore store = models.store();
        store.verify(model, version); // a version that cannot load is refused here, not on every instance
        Rollout state = state();
        int primary = primary(state);
        if (version == primary) {
            throw new IllegalArgumentException(model + "@" + version + " already serves everyone");
        }
        Rollout.Trial other = action == ReleaseAction.CANARY_STARTED ? state.shadow() : state.canary();
        if (other != null && other.version() == version) {
            throw new IllegalArgumentException(model + "@" + version + " is on trial already as the "
                    + (action == ReleaseAction.CANARY_STARTED ? "shadow" : "canary") + "; stop that first");
        }
        try (ReleasePublisher publisher = publisher()) {
            publisher.send(ReleasePublisher.trialStarted(
                    store.manifest(model, version), store.uri(model, version), action, primary, share, autoRollback));
        }
    }

    /** Ends the trial the state holds for {@code action}'s kind, if any; false when none ran. */
    boolean end(Rollout.Trial trial, ReleaseAction action, Integer primary, String reason) {
        if (trial == null) {
            return false;
        }
        ModelStore store = models.store();
        try (ReleasePublisher publisher = publisher()) {
            publisher.send(ReleasePublisher.trialEnded(
                    store.manifest(model, trial.version()),
                    store.uri(model, trial.version()),
                    action,
                    primary,
                    reason));
        }
        return true;
    }

    /** Ends the running canary or shadow ({@code action} says which), saying what it did. */
    int stop(ReleaseAction action, PrintWriter out) {
        Rollout state = state();
        boolean canary = action == ReleaseAction.CANARY_ENDED;
        Rollout.Trial trial = canary ? state.canary() : state.shadow();
        String kind = canary ? "canary" : "shadow";
        if (!end(trial, action, state.primary(), "stopped by hand")) {
            out.println("No " + kind + " of " + model + " runs.");
        } else {
            out.printf(
                    "%s %s@%d stopped%s%n",
                    canary ? "Canary" : "Shadow",
                    model,
                    trial.version(),
                    canary ? "; the primary serves every key" : "");
            out.println("announced on " + models.releasesTopic);
        }
        out.flush();
        return 0;
    }

    ReleasePublisher publisher() {
        return new ReleasePublisher(models.kafka.connection(), models.releasesTopic);
    }

    void announced(PrintWriter out) {
        out.println("announced on " + models.releasesTopic);
        out.flush();
    }
}
