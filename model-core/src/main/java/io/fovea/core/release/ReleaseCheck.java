package io.fovea.core.release;

import io.fovea.avro.ModelRelease;
import io.fovea.avro.ReleaseAction;
import io.fovea.core.bundle.BundleManifest;
import io.fovea.core.store.ModelStore;
import io.fovea.core.store.Promotions;
import java.util.Optional;

/**
 * Whether a release names something the store vouches for. Its {@code sha256} must be the one
 * the store's manifest records for that version, and a promotion or rollback must be one the
 * store's history holds: so WRITE on the releases topic alone cannot make serve load a version
 * that was never promoted, was refused by a gate, or is not the bundle it claims. Ending a trial
 * is not checked: it only ever falls back to the primary, and serve sends it itself.
 */
public final class ReleaseCheck {
    private final ModelStore store;
    private final Runnable onIgnored;

    /** @param onIgnored told of each release refused, e.g. to count it */
    public ReleaseCheck(ModelStore store, Runnable onIgnored) {
        this.store = store;
        this.onIgnored = onIgnored;
    }

    public ReleaseCheck(ModelStore store) {
        this(store, () -> {});
    }

    /** Why {@code release} must be ignored, or empty when it may be honoured. */
    public Optional<String> refusal(ModelRelease release) {
        Optional<String> why = why(release);
        why.ifPresent(reason -> onIgnored.run());
        return why;
    }

    /** A record on the topic that is not a release at all: ignored, and counted like a refused one. */
    public void unreadable() {
        onIgnored.run();
    }

    private Optional<String> why(ModelRelease release) {
        ReleaseAction action = release.getAction();
        boolean promotion = action == ReleaseAction.PROMOTED || action == ReleaseAction.ROLLED_BACK;
        if (!promotion && action != ReleaseAction.CANARY_STARTED && action != ReleaseAction.SHADOW_STARTED) {
            return Optional.empty();
        }
        String model = release.getModelName();
        int version = release.getVersion();
        String named = action + " of " + model + "@" + version;
        BundleManifest manifest;
        try {
            manifest = store.manifest(model, version);
        } catch (RuntimeException e) {
            return Optional.of(named + " names no version of the store: " + e.getMessage());
        }
        if (!manifest.sha256().equals(release.getSha256())) {
            return Optional.of(named + " says sha256 " + release.getSha256() + ", but the store's manifest records "
                    + manifest.sha256());
        }
        if (!promotion) {
            return Optional.empty();
        }
        boolean inHistory;
        try {
            inHistory = inHistory(model, version, action);
        } catch (RuntimeException e) {
            // thrown on, it would end the follower's thread and with it every later hot-swap
            return Optional.of(named + ": the store's promotion history could not be read: " + e.getMessage());
        }
        if (!inHistory) {
            return Optional.of(named + " is not in the store's promotion history: no models "
                    + (action == ReleaseAction.PROMOTED ? "promote" : "rollback") + " made it");
        }
        return Optional.empty();
    }

    private boolean inHistory(String model, int version, ReleaseAction action) {
        String recorded = action == ReleaseAction.PROMOTED ? Promotions.PROMOTED : Promotions.ROLLED_BACK;
        return store.promotions(model).entries().stream()
                .anyMatch(e -> e.action().equals(recorded) && e.version() == version);
    }
}
