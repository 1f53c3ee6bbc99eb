package io.fovea.core.store.object;

import io.fovea.avro.StoreAction;
import io.fovea.core.bundle.BundleIntegrityException;
import io.fovea.core.bundle.BundleManifest;
import io.fovea.core.bundle.Json;
import io.fovea.core.bundle.Sha256;
import io.fovea.core.bundle.VerifiedBundle;
import io.fovea.core.store.Announcer;
import io.fovea.core.store.DirectoryModelStore;
import io.fovea.core.store.ModelStore;
import io.fovea.core.store.Promotions;
import io.fovea.core.store.StagedBundle;
import io.fovea.core.store.ledger.Ledger;
import io.fovea.core.store.ledger.LedgerWrite;
import io.fovea.core.store.ledger.ModelHistory;
import io.fovea.schemas.kafka.KafkaConnection;
import java.net.URI;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Model versions in an S3-compatible bucket, for serve instances and trainers on machines that
 * share no disk. The objects hold the bytes, each written once under a key no other writer uses;
 * the Kafka {@link Ledger} holds the order (which numbers are taken, which versions are whole, and
 * every promotion), so the design needs no conditional write from the object server. A version is
 * visible once its files, then its index, are written and the ledger says PUBLISHED.
 *
 * <p>Loading downloads a version once into the {@link VersionCache}, checks its SHA-256 over the
 * bytes read there and hands those very bytes to the backend; later loads read the cache.
 */
public final class ObjectModelStore implements ModelStore {
    private static final Logger LOG = LoggerFactory.getLogger(ObjectModelStore.class);

    private final Bucket bucket;
    private final Ledger ledger;
    private final VersionCache cache;

    public ObjectModelStore(S3Location location, ObjectStoreSettings settings, KafkaConnection kafka) {
        this.bucket = new Bucket(location, settings);
        this.ledger = new Ledger(kafka, settings.ledgerTopic());
        this.cache = new VersionCache(settings.cacheDir(), settings.cacheMaxBytes());
    }

    @Override
    public String describe() {
        return bucket.where();
    }

    @Override
    public List<String> models() {
        return ledger.models();
    }

    @Override
    public List<Integer> versions(String model) {
        DirectoryModelStore.checkModelName(model);
        return List.copyOf(ledger.history(model).manifests().keySet());
    }

    @Override
    public BundleManifest manifest(String model, int version) {
        return index(model, version, indexSha(model, version)).manifest();
    }

    private String indexSha(String model, int version) {
        DirectoryModelStore.checkModelName(model);
        return ledger.history(model)
                .manifestOf(version)
                .orElseThrow(() -> new IllegalArgumentException(
                        "no version " + version + " of model '" + model + "' in " + describe()));
    }

    VersionIndex index(String model, int version, String sha256) {
        byte[] bytes = cache.index(sha256).orElseGet(() -> {
            byte[] fetched = bucket.get(VersionIndex.key(model, version, sha256), VersionIndex.MAX_BYTES);
            if (!Sha256.of(fetched).equals(sha256)) {
                throw new BundleIntegrityException(describe() + ": the index of " + model + "@" + version
                        + " has SHA-256 " + Sha256.of(fetched) + " but the ledger records " + sha256);
            }
            cache.putIndex(sha256, fetched);
            return fetched;
        });
        return Json.read(bytes, VersionIndex.class, model + "@" + version + " in " + describe());
    }

    @Override
    public VerifiedBundle verified(String model, int version, Collection<String> files) {
        String sha = indexSha(model, version);
        VersionIndex index = index(model, version, sha);
        String source = uri(model, version).toString();
        Optional<Path> cached = cache.bundle(sha);
        if (cached.isPresent()) {
            try {
                VerifiedBundle bundle = VerifiedBundle.read(cached.get(), index.manifest(), files);
                return new VerifiedBundle(bundle.manifest(), bundle.files(), source + " (cached)");
            } catch (RuntimeException damaged) {
                LOG.warn("Store cache: {} fails its check, downloading again: {}", source, damaged.getMessage());
                cache.drop(sha);
            }
        }
        Path download = cache.newDownload();
        try {
            download(index, download, source);
            VerifiedBundle bundle = VerifiedBundle.read(download, index.manifest(), files);
            Json.write(download.resolve(BundleManifest.FILE_NAME), index.manifest());
            cache.admit(download, sha);
            return new VerifiedBundle(bundle.manifest(), bundle.files(), source);
        } finally {
            VersionCache.delete(download); // gone if admitted
        }
    }

    /**
     * The version's model files from the bucket into {@code dir}, unchecked. Together they may take
     * no more than the store cache's bound: a version that cannot be cached is refused, and an
     * object replaced by a larger one stops at the bound instead of filling the disk.
     */
    void download(VersionIndex index, Path dir, String source) {
        long left = cache.maxBytes();
        for (String name : index.manifest().modelFiles()) {
            String key = index.objects().get(name);
            if (key == null) {
                throw new BundleIntegrityException(source + ": the index names no object for " + name);
            }
            left -= bucket.download(key, dir.resolve(name), left);
        }
    }

    @Override
    public URI uri(String model, int version) {
        return bucket.uri(model + "/" + version + "/");
    }

    @Override
    public Optional<Integer> promoted(String model) {
        return promotions(model).current();
    }

    @Override
    public Promotions.History promotions(String model) {
        DirectoryModelStore.checkModelName(model);
        return ledger.history(model).promotions();
    }

    @Override
    public Promotions.Change promote(String model, int version, Announcer announcer) {
        verify(model, version);
        return ledger.append(model, history -> {
            if (!history.manifests().containsKey(version)) {
                throw new IllegalArgumentException(
                        "no version " + version + " of model '" + model + "' in " + describe());
            }
            Promotions.Change change = new Promotions.Change(
                    Promotions.PROMOTED, version, history.promotions().current().orElse(null));
            return new LedgerWrite<>(
                    StoreAction.PROMOTED, version, null, announcement(announcer, model, change), change);
        });
    }

    @Override
    public Promotions.Change rollback(String model, Announcer announcer) {
        DirectoryModelStore.checkModelName(model);
        return ledger.append(model, history -> {
            if (history.manifests().isEmpty()) {
                throw new IllegalArgumentException("no model '" + model + "' in " + describe());
            }
            Promotions.Change change = Promotions.rollbackOf(history.promotions());
            return new LedgerWrite<>(
                    StoreAction.ROLLED_BACK, change.version(), null, announcement(announcer, model, change), change);
        });
    }

    private List<ProducerRecord<byte[], byte[]>> announcement(
            Announcer announcer, String model, Promotions.Change change) {
        ProducerRecord<byte[], byte[]> record = announcer.record(this, model, change);
        return record == null ? List.of() : List.of(record);
    }

    @Override
    public StagedBundle stage(String model) {
        DirectoryModelStore.checkModelName(model);
        int version = ledger.append(model, history -> {
            int next = history.highestReserved() + 1;
            return LedgerWrite.of(StoreAction.RESERVED, next, null, next);
        });
        return ObjectStagedBundle.newVersion(this, model, version);
    }

    @Override
    public StagedBundle amend(String model, int version) {
        String sha = indexSha(model, version);
        VersionIndex base = index(model, version, sha);
        return ObjectStagedBundle.amending(this, model, version, sha, base);
    }

    @Override
    public void keep(String model, Collection<Integer> versions) {
        ModelHistory history = ledger.history(model);
        cache.keep(versions.stream()
                .map(history::manifestOf)
                .flatMap(Optional::stream)
                .collect(Collectors.toSet()));
    }

    Bucket bucket() {
        return bucket;
    }

    Ledger ledger() {
        return ledger;
    }

    VersionCache cache() {
        return cache;
    }

    @Override
    public void close() {
        bucket.close();
        ledger.close();
    }
}
