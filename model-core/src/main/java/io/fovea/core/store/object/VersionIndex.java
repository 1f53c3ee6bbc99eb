package io.fovea.core.store.object;

import io.fovea.core.bundle.BundleManifest;
import java.util.Map;

/**
 * A version as the object store holds it: its manifest, and the key of each file. Stored as one
 * object named after its own SHA-256 ({@code <model>/<version>/index-<sha256>.json}), which the
 * ledger records: objects are written once under keys no other writer uses, so nothing a version
 * points to is ever overwritten.
 */
record VersionIndex(BundleManifest manifest, Map<String, String> objects) {
    /** A manifest and a few keys take kilobytes; anything past this is not an index. */
    static final long MAX_BYTES = 1 << 20;

    VersionIndex {
        objects = Map.copyOf(objects);
    }

    static String key(String model, int version, String sha256) {
        return model + "/" + version + "/index-" + sha256 + ".json";
    }
}
