package io.fovea.core.store.object;

import io.fovea.avro.StoreAction;
import io.fovea.core.bundle.BundleManifest;
import io.fovea.core.bundle.Json;
import io.fovea.core.bundle.Sha256;
import io.fovea.core.store.StagedBundle;
import io.fovea.core.store.ledger.LedgerWrite;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A version being written to an {@link ObjectModelStore}: files land in a local folder, and
 * {@link #commit} uploads them, then the index, then appends to the ledger, which is what makes
 * them visible. A new version's objects go under its reserved number; files added to an existing
 * version go under a folder of their own, so no writer can overwrite what another one points to.
 */
final class ObjectStagedBundle implements StagedBundle {
    private static final Logger LOG = LoggerFactory.getLogger(ObjectStagedBundle.class);

    private final ObjectModelStore store;
    private final String model;
    private final int version;
    private final Path dir;
    /** The version's index before this amendment; null for a new version. */
    private final VersionIndex base;

    private final String baseSha;
    private final List<String> uploaded = new ArrayList<>();
    private boolean committed;

    private ObjectStagedBundle(
            ObjectModelStore store, String model, int version, Path dir, String baseSha, VersionIndex base) {
        this.store = store;
        this.model = model;
        this.version = version;
        this.dir = dir;
        this.baseSha = baseSha;
        this.base = base;
    }

    static ObjectStagedBundle newVersion(ObjectModelStore store, String model, int version) {
        return new ObjectStagedBundle(store, model, version, tempDir(), null, null);
    }

    /** The version's model files, checked, in {@link #dir()}; new files written beside them are added. */
    static ObjectStagedBundle amending(
            ObjectModelStore store, String model, int version, String baseSha, VersionIndex base) {
        Path dir = tempDir();
        try {
            store.download(base, dir, store.uri(model, version).toString());
            io.fovea.core.bundle.VerifiedBundle.read(dir, base.manifest(), List.of()); // amend only what checks out
            Json.write(dir.resolve(BundleManifest.FILE_NAME), base.manifest());
        } catch (RuntimeException e) {
            VersionCache.delete(dir);
            throw e;
        }
        return new ObjectStagedBundle(store, model, version, dir, baseSha, base);
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("fovea-staged-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a staging folder", e);
        }
    }

    @Override
    public int version() {
        return version;
    }

    @Override
    public Path dir() {
        return dir;
    }

    @Override
    public void commit(BundleManifest manifest) {
        if (manifest.version() != version) {
            throw new IllegalArgumentException("manifest says version " + manifest.version() + ", staged " + version);
        }
        Map<String, String> objects = new HashMap<>(base == null ? Map.of() : base.objects());
        String folder = model + "/" + version + "/" + (base == null ? "" : "added-" + UUID.randomUUID() + "/");
        for (Path file : files()) {
            String name = file.getFileName().toString();
            if (name.equals(BundleManifest.FILE_NAME) || objects.containsKey(name)) {
                continue; // a file the version has is never replaced
            }
            String key = folder + name;
            store.bucket().put(key, file);
            uploaded.add(key);
            objects.put(name, key);
        }
        byte[] index = Json.bytes(new VersionIndex(manifest, objects));
        String sha = Sha256.of(index);
        String indexKey = VersionIndex.key(model, version, sha);
        store.bucket().put(indexKey, index);
        uploaded.add(indexKey);
        store.ledger().append(model, history -> {
            if (base == null) {
                if (!history.reserved(version) || history.manifestOf(version).isPresent()) {
                    throw new IllegalStateException(model + "@" + version + " is not reserved for this publisher");
                }
                return LedgerWrite.of(StoreAction.PUBLISHED, version, sha, sha);
            }
            String now = history.manifestOf(version).orElse(null);
            if (!baseSha.equals(now)) {
                throw new IllegalStateException(
                        model + "@" + version + " changed while it was being amended: try again");
            }
            return LedgerWrite.of(StoreAction.AMENDED, version, sha, sha);
        });
        store.cache().putIndex(sha, index);
        committed = true;
    }

    private List<Path> files() {
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    @Override
    public void close() {
        VersionCache.delete(dir);
        if (!committed) {
            for (String key : uploaded) {
                try {
                    store.bucket().delete(key);
                } catch (RuntimeException e) {
                    LOG.warn("Cannot remove {} of an unfinished {}@{}: {}", key, model, version, e.getMessage());
                }
            }
        }
    }
}
