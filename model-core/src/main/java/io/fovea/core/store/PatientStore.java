package io.fovea.core.store;

import io.fovea.core.bundle.BundleManifest;
import io.fovea.core.bundle.VerifiedBundle;
import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A store whose reads wait out an unreachable store instead of failing: what serve's release
 * follower and model loader read through, on their own threads, so that a swap asked for while
 * the object server is down completes once it is back while the current version keeps serving.
 * Each failed attempt is logged; waits grow from 1 s to 30 s. Writes are not retried.
 */
public final class PatientStore implements ModelStore {
    private static final Logger LOG = LoggerFactory.getLogger(PatientStore.class);
    private static final Duration FIRST_WAIT = Duration.ofSeconds(1);
    private static final Duration LONGEST_WAIT = Duration.ofSeconds(30);

    private final ModelStore store;

    public PatientStore(ModelStore store) {
        this.store = store;
    }

    private <T> T patiently(String what, Supplier<T> read) {
        Duration wait = FIRST_WAIT;
        while (true) {
            try {
                return read.get();
            } catch (StoreUnavailableException e) {
                LOG.warn("Cannot {} now, trying again in {} s: {}", what, wait.toSeconds(), e.getMessage());
                try {
                    Thread.sleep(wait.toMillis());
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                wait = wait.multipliedBy(2).compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : wait.multipliedBy(2);
            }
        }
    }

    @Override
    public String describe() {
        return store.describe();
    }

    @Override
    public List<String> models() {
        return patiently("list the models", store::models);
    }

    @Override
    public List<Integer> versions(String model) {
        return patiently("list the versions of " + model, () -> store.versions(model));
    }

    @Override
    public BundleManifest manifest(String model, int version) {
        return patiently("read " + model + "@" + version, () -> store.manifest(model, version));
    }

    @Override
    public VerifiedBundle verified(String model, int version, Collection<String> files) {
        return patiently("load " + model + "@" + version, () -> store.verified(model, version, files));
    }

    @Override
    public URI uri(String model, int version) {
        return store.uri(model, version);
    }

    @Override
    public Optional<Integer> promoted(String model) {
        return patiently("read the promotions of " + model, () -> store.promoted(model));
    }

    @Override
    public Promotions.History promotions(String model) {
        return patiently("read the promotions of " + model, () -> store.promotions(model));
    }

    @Override
    public Promotions.Change promote(String model, int version, Announcer announcer) {
        return store.promote(model, version, announcer);
    }

    @Override
    public Promotions.Change rollback(String model, Announcer announcer) {
        return store.rollback(model, announcer);
    }

    @Override
    public StagedBundle stage(String model) {
        return store.stage(model);
    }

    @Override
    public StagedBundle amend(String model, int version) {
        return store.amend(model, version);
    }

    @Override
    public void keep(String model, Collection<Integer> versions) {
        store.keep(model, versions);
    }

    @Override
    public void close() {
        store.close();
    }
}
