package io.fovea.core.store;

import io.fovea.core.bundle.BundleManifest;
import java.nio.file.Path;

/** A bundle being written: fill {@link #dir()}, then {@link #commit(BundleManifest)}. */
public interface StagedBundle extends AutoCloseable {

    /** The version this bundle will have; reserved, so no other publisher takes it. */
    int version();

    /** Where to write the model file and report. */
    Path dir();

    /** Writes the manifest and makes the version visible, atomically. */
    void commit(BundleManifest manifest);

    /** Removes everything written unless committed. */
    @Override
    void close();
}
