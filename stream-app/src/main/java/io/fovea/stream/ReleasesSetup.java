package io.fovea.stream;

import io.fovea.core.release.ReleaseCheck;
import io.fovea.core.store.ModelStore;
import io.fovea.core.store.PatientStore;
import io.fovea.schemas.kafka.TopicCreator;
import io.fovea.stream.config.ModelOptions;
import io.fovea.stream.config.StreamConfig;
import io.fovea.stream.config.StreamOptions;
import io.fovea.stream.limits.ClusterAccess;
import io.fovea.stream.metrics.StreamMetrics;
import io.fovea.stream.model.CanaryGuard;
import io.fovea.stream.model.InferenceWorker;
import io.fovea.stream.model.ModelSlot;
import io.fovea.stream.model.ModelSwapper;
import io.fovea.stream.model.backend.Backends;
import io.fovea.stream.release.RolloutFollowing;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AclOperation;

/**
 * What makes serve follow the releases topic: the store, waited out when unreachable; a swapper
 * that loads each version beside the ones in service; the topic checked readable; and the
 * follower started on the state the topic holds now.
 */
final class ReleasesSetup {
    private ReleasesSetup() {}

    static RolloutFollowing follow(
            StreamConfig config,
            ModelStore givenStore,
            String modelName,
            ModelSlot model,
            InferenceWorker worker,
            CanaryGuard guard,
            StreamMetrics metrics) {
        Backends backends = config.backends();
        // Waits out an unreachable store on the follower's and loader's threads: the swap completes
        // once it is back, and the current version serves meanwhile.
        ModelStore store = new PatientStore(givenStore);
        ModelSwapper swapper = new ModelSwapper(
                (name, version) -> {
                    Set<Integer> inService = new HashSet<>();
                    model.lineup().runners().forEach(runner -> inService.add(runner.version()));
                    inService.add(version);
                    store.keep(name, inService); // a cache must not evict what serves nor what loads
                    return backends.open(store, name, version);
                },
                worker,
                model,
                metrics,
                config.get(ModelOptions.MODEL_LOAD_NICE));
        String topic = config.get(StreamOptions.RELEASES_TOPIC);
        try (Admin admin = config.connection().newAdmin()) {
            TopicCreator.ensure(admin, topic, 1, true);
            new ClusterAccess().need(topic, AclOperation.READ).check(admin);
        }
        return new RolloutFollowing(
                        config.connection(),
                        topic,
                        store,
                        modelName,
                        swapper,
                        guard,
                        new ReleaseCheck(store, metrics::releaseIgnored))
                .start();
    }
}
