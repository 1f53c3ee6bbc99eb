package io.fovea.core.store;

import io.fovea.core.bundle.BundleManifest;
import io.fovea.core.bundle.VerifiedBundle;
import java.net.URI;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Where versioned model bundles live. Versions count from 1 per model and are never reused nor
 * overwritten. A directory on any shared file system today; an object store can implement the
 * same interface.
 */
public interface ModelStore {

    /** Model names, sorted. */
    List<String> models();

    /** Published versions of a model, ascending; empty when it has none. */
    List<Integer> versions(String model);

    BundleManifest manifest(String model, int version);

    /**
     * A version's manifest and the bytes of the model files named in {@code files}, every model
     * file's SHA-256 checked over the bytes as read (those not named are read, hashed and let go):
     * what a backend builds its model from.
     */
    VerifiedBundle verified(String model, int version, Collection<String> files);

    /** Checks a version could be served (manifest complete, checksum right) without keeping its files. */
    default void verify(String model, int version) {
        verified(model, version, List.of());
    }

    /** Where a version lives, as written into ModelRelease events. */
    URI uri(String model, int version);

    /** The version that serves, if any was promoted. */
    Optional<Integer> promoted(String model);

    /** Promotion and rollback history, oldest first. */
    Promotions.History promotions(String model);

    /** Makes {@code version} the one that serves; it must exist and pass {@link #verify}. */
    Promotions.Change promote(String model, int version);

    /** Serves again the version promoted before the current one. */
    Promotions.Change rollback(String model);

    /**
     * Starts writing the next version of a model. Nothing is visible to readers until
     * {@link StagedBundle#commit()}; closing without committing removes what was written.
     */
    StagedBundle stage(String model);
}
