package io.fovea.core.release;

import io.fovea.avro.AutoRollback;
import io.fovea.avro.ModelRelease;
import java.time.Instant;

/**
 * What serves one model, as the releases topic says once every record up to now is applied in
 * order: the primary version, and the canary and shadow trials when they run. Every instance
 * folds the same records the same way, so they all converge, and a restart reads back the same
 * state.
 *
 * @param primary the promoted version, or null before any promotion
 * @param canary a candidate that classifies a share of the keys, or null
 * @param shadow a candidate that also classifies a share of the images, its predictions kept apart, or null
 */
public record Rollout(Integer primary, Trial canary, Trial shadow) {
    public static final Rollout NONE = new Rollout(null, null, null);

    /**
     * A version on trial.
     *
     * @param share canary: the share of keys, 0..1; shadow: the share of images
     * @param autoRollback canary only: when it ends itself, or null
     * @param salt canary only: where its keys fall ({@link KeyShare#canary}), or null for the fixed salt
     */
    public record Trial(int version, double share, AutoRollback autoRollback, Instant startedAt, String salt) {
        public Trial {
            if (!(share > 0 && share <= 1)) {
                throw new IllegalArgumentException("a trial's share must be in (0, 1], got " + share);
            }
        }

        /** The keys this canary takes. */
        public KeyShare keys() {
            return KeyShare.canary(salt);
        }

        public String describe() {
            return String.format("version %d on %.4g%% since %s", version, share * 100, startedAt);
        }
    }

    /** The state after {@code release}, when it concerns {@code model}; unchanged otherwise. */
    public Rollout apply(String model, ModelRelease release) {
        if (!release.getModelName().equals(model)) {
            return this;
        }
        int version = release.getVersion();
        return switch (release.getAction()) {
            // A promotion of the candidate ends its trial: it now serves everyone.
            case PROMOTED, ROLLED_BACK -> new Rollout(version, endedBy(canary, version), endedBy(shadow, version));
            case CANARY_STARTED -> new Rollout(primary, trial(release), shadow);
            case CANARY_ENDED -> new Rollout(primary, null, shadow);
            case SHADOW_STARTED -> new Rollout(primary, canary, trial(release));
            case SHADOW_ENDED -> new Rollout(primary, canary, null);
            case PUBLISHED, UNKNOWN -> this;
        };
    }

    /** The trial, unless it tries the version that serves anyway. */
    private static Trial endedBy(Trial trial, int promoted) {
        return trial != null && trial.version() == promoted ? null : trial;
    }

    private static Trial trial(ModelRelease release) {
        if (release.getShare() == null) {
            throw new IllegalArgumentException(release.getAction() + " of " + release.getModelName() + "@"
                    + release.getVersion() + " names no share");
        }
        return new Trial(
                release.getVersion(),
                release.getShare(),
                release.getAutoRollback(),
                release.getReleasedAt(),
                release.getSalt());
    }

    /** This state with {@code current} as the primary where the topic named none yet. */
    public Rollout withPrimaryDefault(int current) {
        return primary != null ? this : new Rollout(current, canary, shadow);
    }

    public String describe() {
        return "primary " + (primary == null ? "not promoted" : "version " + primary)
                + (canary == null ? "" : "; canary " + canary.describe())
                + (shadow == null ? "" : "; shadow " + shadow.describe());
    }
}
