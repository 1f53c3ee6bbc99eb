package io.fovea.stream.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fovea.avro.ReleaseAction;
import io.fovea.core.release.ReleasePublisher;
import io.fovea.core.runtime.NativeBackend;
import io.fovea.core.store.DirectoryModelStore;
import io.fovea.schemas.kafka.KafkaConnection;
import io.fovea.schemas.kafka.TopicCreator;
import io.fovea.testing.KafkaTestBroker;
import io.fovea.testing.KafkaTestClients;
import io.fovea.testing.TinyBundles;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The follower against a real broker. */
class ReleaseFollowerIT {
    @TempDir
    Path dir;

    @BeforeAll
    static void backend() {
        NativeBackend.configure();
    }

    @Test
    void aFollowerStartedBeforeItsTopicExistsWaitsForItAndThenFollowsReleases() throws Exception {
        String bootstrap = KafkaTestBroker.bootstrapServers();
        String topic = KafkaTestClients.uniqueTopic("releases");
        DirectoryModelStore store = new DirectoryModelStore(dir);
        TinyBundles.publish(store, "m", 1);
        TinyBundles.publish(store, "m", 2);
        BlockingQueue<Integer> told = new LinkedBlockingQueue<>();
        try (ReleaseFollower follower = new ReleaseFollower(
                        KafkaConnection.to(bootstrap), topic, "m", rollout -> told.add(rollout.primary()))
                .start()) {
            Thread.sleep(1500); // it looks the topic up, finds no partitions, and must not give up
            TopicCreator.ensure(KafkaConnection.to(bootstrap), topic, 1, true);
            try (ReleasePublisher publisher = new ReleasePublisher(KafkaConnection.to(bootstrap), topic)) {
                publisher.send(
                        ReleasePublisher.of(store.manifest("m", 2), store.uri("m", 2), ReleaseAction.PROMOTED, 1));
            }
            assertEquals(2, told.poll(30, TimeUnit.SECONDS));
            // and the topic was not auto-created behind our back as an uncompacted one
            assertEquals(1, KafkaTestClients.partitionCount(topic));
        }
    }
}
