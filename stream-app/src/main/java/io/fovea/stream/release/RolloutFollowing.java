package io.fovea.stream.release;

import io.fovea.avro.ReleaseAction;
import io.fovea.core.bundle.BundleManifest;
import io.fovea.core.release.ReleaseCheck;
import io.fovea.core.release.ReleasePublisher;
import io.fovea.core.release.Rollout;
import io.fovea.core.release.RolloutReader;
import io.fovea.core.store.ModelStore;
import io.fovea.schemas.kafka.KafkaConnection;
import io.fovea.stream.model.CanaryGuard;
import io.fovea.stream.model.ModelSwapper;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves whatever the releases topic says for one model: it reads every release there is before
 * the stream starts (so a restart serves the same primary, canary and shadow from its first
 * record), then follows each new one, loading and swapping in the background ({@link
 * ModelSwapper}). It also sends the release that ends a canary when the {@link CanaryGuard} asks.
 */
public final class RolloutFollowing implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RolloutFollowing.class);
    private static final Duration CATCH_UP = Duration.ofSeconds(60);

    private final KafkaConnection kafka;
    private final String topic;
    private final ModelStore store;
    private final String model;
    private final ModelSwapper swapper;
    private final ReleaseCheck check;
    private final ReleaseFollower follower;
    private final ExecutorService publishing = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fovea-canary-rollback");
        t.setDaemon(true);
        return t;
    });

    public RolloutFollowing(
            KafkaConnection kafka,
            String topic,
            ModelStore store,
            String model,
            ModelSwapper swapper,
            CanaryGuard guard,
            ReleaseCheck check) {
        this.kafka = kafka;
        this.topic = topic;
        this.store = store;
        this.model = model;
        this.swapper = swapper;
        this.check = check;
        this.follower = new ReleaseFollower(kafka, topic, model, check, rollout -> swapper.request(model, rollout));
        guard.onRollback(reason -> publishing.execute(() -> endCanary(reason)));
    }

    /** Applies every release there is now (waiting for the loads), then follows on in the background. */
    public RolloutFollowing start() {
        Rollout now = follower.catchUp(CATCH_UP);
        LOG.info("{} says for {}: {}", topic, model, now.describe());
        ModelSwapper.Outcome outcome = swapper.request(model, now).join();
        if (outcome.reason() != null && !outcome.swapped()) {
            LOG.info("At start: {}", outcome.reason());
        }
        follower.start();
        return this;
    }

    /** The guard's decision, as a release every instance follows; the canary stops here when the release comes back. */
    private void endCanary(String reason) {
        Rollout now = RolloutReader.read(kafka, topic, model, check);
        if (now.canary() == null) {
            return; // ended already, by another instance or by hand
        }
        int version = now.canary().version();
        BundleManifest manifest = store.manifest(model, version);
        try (ReleasePublisher publisher = new ReleasePublisher(kafka, topic)) {
            publisher.send(ReleasePublisher.trialEnded(
                    manifest, store.uri(model, version), ReleaseAction.CANARY_ENDED, now.primary(), reason));
            LOG.warn("Ended the canary {}@{}: {}", model, version, reason);
        } catch (RuntimeException e) {
            LOG.error(
                    "Could not end the canary {}@{} ({}): {}; ending it takes WRITE on {}"
                            + " (bin/fovea acls --serve-auto-rollback), or end it by hand: models canary --stop",
                    model,
                    version,
                    reason,
                    e.getMessage(),
                    topic);
        }
    }

    @Override
    public void close() {
        follower.close();
        swapper.close();
        publishing.shutdownNow();
    }
}
