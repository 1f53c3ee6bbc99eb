package io.fovea.stream.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.fovea.avro.ModelRelease;
import io.fovea.avro.ReleaseAction;
import io.fovea.core.release.ReleaseCheck;
import io.fovea.core.release.ReleasePublisher;
import io.fovea.core.release.Rollout;
import io.fovea.core.runtime.NativeBackend;
import io.fovea.core.store.DirectoryModelStore;
import io.fovea.schemas.kafka.KafkaConnection;
import io.fovea.schemas.kafka.TopicCreator;
import io.fovea.testing.KafkaTestBroker;
import io.fovea.testing.KafkaTestClients;
import io.fovea.testing.TinyBundles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The follower against a real broker and a real store. */
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
        store.promote("m", 2);
        BlockingQueue<Integer> told = new LinkedBlockingQueue<>();
        try (ReleaseFollower follower = new ReleaseFollower(
                        KafkaConnection.to(bootstrap),
                        topic,
                        "m",
                        new ReleaseCheck(store),
                        rollout -> told.add(rollout.primary()))
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

    /**
     * Anyone with WRITE on the topic can send a release; only what the store vouches for is
     * followed: a promotion no one made, and one whose sha256 is not the manifest's, change
     * nothing, live or read back at a restart.
     */
    @Test
    void aForgedPromotionAndAWrongSha256AreIgnoredWhileThePromotedVersionServes() throws Exception {
        KafkaConnection kafka = KafkaConnection.to(KafkaTestBroker.bootstrapServers());
        String topic = KafkaTestClients.uniqueTopic("releases");
        TopicCreator.ensure(kafka, topic, 1, true);
        DirectoryModelStore store = new DirectoryModelStore(dir);
        for (int v = 1; v <= 3; v++) {
            TinyBundles.publish(store, "m", v);
        }
        store.promote("m", 1);
        store.promote("m", 2);
        AtomicInteger ignored = new AtomicInteger();
        BlockingQueue<Rollout> told = new LinkedBlockingQueue<>();
        try (ReleasePublisher publisher = new ReleasePublisher(kafka, topic);
                ReleaseFollower follower = new ReleaseFollower(
                        kafka, topic, "m", new ReleaseCheck(store, ignored::incrementAndGet), told::add)) {
            publisher.send(ReleasePublisher.of(store.manifest("m", 2), store.uri("m", 2), ReleaseAction.PROMOTED, 1));
            assertEquals(2, follower.catchUp(Duration.ofSeconds(30)).primary());
            follower.start();

            // version 3 was published, never promoted
            publisher.send(ReleasePublisher.of(store.manifest("m", 3), store.uri("m", 3), ReleaseAction.PROMOTED, 2));
            // version 1 was promoted once, but this release names other bytes
            publisher.send(ModelRelease.newBuilder(ReleasePublisher.of(
                            store.manifest("m", 1), store.uri("m", 1), ReleaseAction.ROLLED_BACK, 2))
                    .setSha256("0".repeat(64))
                    .build());
            // a genuine trial after them: once it is followed, so were they
            publisher.send(ReleasePublisher.trialStarted(
                    store.manifest("m", 3), store.uri("m", 3), ReleaseAction.CANARY_STARTED, 2, 0.5, null));

            Rollout last = told.poll(30, TimeUnit.SECONDS);
            while (last != null && last.canary() == null) {
                assertEquals(2, last.primary(), "a forged release reached serve: " + last.describe());
                last = told.poll(30, TimeUnit.SECONDS);
            }
            assertNotNull(last, "the genuine canary was never followed");
            assertEquals(2, last.primary());
            assertEquals(3, last.canary().version());
            assertEquals(2, ignored.get());
        }
        try (ReleaseFollower restarted = new ReleaseFollower(kafka, topic, "m", new ReleaseCheck(store), r -> {})) {
            assertEquals(2, restarted.catchUp(Duration.ofSeconds(30)).primary(), "a restart reads the same");
        }
    }
}
