package io.fovea.core.store;

import io.fovea.core.bundle.BundleManifest;
import io.fovea.core.bundle.VerifiedBundle;
import java.net.URI;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Where versioned model bundles live. Versions count from 1 per model and are never reused nor
 * overwritten. A directory on a local or shared file system ({@link DirectoryModelStore}), or an
 * S3-compatible object store with a Kafka ledger ({@code io.fovea.core.store.object}).
 */
public interface ModelStore extends AutoCloseable {

    /** Where the store is, for messages: a folder, or s3://bucket/prefix. */
    String describe();

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

    /**
     * Makes {@code version} the one that serves; it must exist and pass {@link #verify}. The
     * announcer's record goes out as part of the change, in the order of changes.
     */
    Promotions.Change promote(String model, int version, Announcer announcer);

    /** Serves again the version promoted before the current one, announced as {@link #promote} is. */
    Promotions.Change rollback(String model, Announcer announcer);

    default Promotions.Change promote(String model, int version) {
        return promote(model, version, Announcer.NONE);
    }

    default Promotions.Change rollback(String model) {
        return rollback(model, Announcer.NONE);
    }

    /**
     * Starts writing the next version of a model. Nothing is visible to readers until
     * {@link StagedBundle#commit()}; closing without committing removes what was written.
     */
    StagedBundle stage(String model);

    /**
     * Starts adding files to an existing version (e.g. {@code model.onnx} to a version made
     * before exports): {@link StagedBundle#dir()} holds the version's files, checked; files
     * written there are added, none may be replaced, and {@link StagedBundle#commit} makes the new
     * manifest current, atomically. Readers see the old bundle or the new one, whole.
     */
    StagedBundle amend(String model, int version);

    /**
     * The versions of {@code model} the caller holds in service: a store that caches versions
     * never evicts them.
     */
    default void keep(String model, Collection<Integer> versions) {}

    @Override
    default void close() {}
}
