package io.fovea.core.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.avro.AutoRollback;
import io.fovea.avro.ModelRelease;
import io.fovea.avro.ReleaseAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

/** How every instance folds the releases topic into what serves, and which keys a share takes. */
class RolloutTest {
    private static ModelRelease release(ReleaseAction action, int version, Double share) {
        return ModelRelease.newBuilder()
                .setModelName("m")
                .setVersion(version)
                .setAction(action)
                .setBundleUri("file:///m/" + version)
                .setSha256("00")
                .setCreatedAt(Instant.EPOCH)
                .setReleasedAt(Instant.ofEpochSecond(version))
                .setInputSize(32)
                .setLabels(List.of("a", "b"))
                .setMetrics(Map.of())
                .setShare(share)
                .setAutoRollback(action == ReleaseAction.CANARY_STARTED ? new AutoRollback(0.05, 100) : null)
                .build();
    }

    private static Rollout fold(ModelRelease... releases) {
        Rollout state = Rollout.NONE;
        for (ModelRelease r : releases) {
            state = state.apply("m", r);
        }
        return state;
    }

    @Test
    void aPromotionOfTheCandidateEndsItsCanaryAndAPromotionOfAnotherKeepsIt() {
        Rollout running = fold(
                release(ReleaseAction.PROMOTED, 1, null),
                release(ReleaseAction.CANARY_STARTED, 2, 0.1),
                release(ReleaseAction.SHADOW_STARTED, 3, 0.5));
        assertEquals(2, running.canary().version());
        assertEquals(0.1, running.canary().share());
        assertEquals(new AutoRollback(0.05, 100), running.canary().autoRollback());
        assertEquals(3, running.shadow().version());

        Rollout promotedCandidate = running.apply("m", release(ReleaseAction.PROMOTED, 2, null));
        assertEquals(2, promotedCandidate.primary());
        assertNull(promotedCandidate.canary(), "the candidate serves everyone now");
        assertEquals(3, promotedCandidate.shadow().version());

        Rollout promotedOther = running.apply("m", release(ReleaseAction.PROMOTED, 4, null));
        assertEquals(2, promotedOther.canary().version(), "a canary against the new primary runs on");
    }

    @Test
    void endedTrialsStopAndReleasesOfOtherModelsOrUnknownActionsChangeNothing() {
        Rollout running = fold(
                release(ReleaseAction.PROMOTED, 1, null),
                release(ReleaseAction.CANARY_STARTED, 2, 0.1),
                release(ReleaseAction.SHADOW_STARTED, 3, 1.0));
        assertNull(
                running.apply("m", release(ReleaseAction.CANARY_ENDED, 2, null)).canary());
        assertNull(
                running.apply("m", release(ReleaseAction.SHADOW_ENDED, 3, null)).shadow());
        assertEquals(running, running.apply("m", release(ReleaseAction.UNKNOWN, 9, null)));
        assertEquals(running, running.apply("m", release(ReleaseAction.PUBLISHED, 9, null)));
        ModelRelease other = release(ReleaseAction.PROMOTED, 7, null);
        other.setModelName("other");
        assertEquals(running, running.apply("m", other));
    }

    @Test
    void aTrialWithoutAShareIsRefusedNotGuessed() {
        assertThrows(IllegalArgumentException.class, () -> fold(release(ReleaseAction.CANARY_STARTED, 2, null)));
        assertThrows(IllegalArgumentException.class, () -> fold(release(ReleaseAction.CANARY_STARTED, 2, 0.0)));
    }

    @Test
    void eachTrialKeepsItsOwnKeyOnTheCompactedTopic() {
        assertEquals("m", ReleasePublisher.keyOf(release(ReleaseAction.PROMOTED, 2, null)));
        assertEquals("m@2", ReleasePublisher.keyOf(release(ReleaseAction.PUBLISHED, 2, null)));
        assertEquals("m#canary", ReleasePublisher.keyOf(release(ReleaseAction.CANARY_STARTED, 2, 0.1)));
        assertEquals("m#canary", ReleasePublisher.keyOf(release(ReleaseAction.CANARY_ENDED, 2, null)));
        assertEquals("m#shadow", ReleasePublisher.keyOf(release(ReleaseAction.SHADOW_STARTED, 2, 0.1)));
    }

    @Test
    void aShareTakesThatShareOfKeysEvenlyOverKafkasPartitionsAndAlwaysTheSameKeys() {
        int keys = 40_000;
        int[] taken = new int[4];
        int[] all = new int[4];
        for (int i = 0; i < keys; i++) {
            byte[] key = ("key-" + i).getBytes(StandardCharsets.UTF_8);
            int partition = Utils.toPositive(Utils.murmur2(key)) % 4; // Kafka's default partitioner
            all[partition]++;
            if (KeyShare.CANARY.within(key, 0.10)) {
                taken[partition]++;
            }
            assertEquals(KeyShare.CANARY.within(key, 0.10), KeyShare.CANARY.within("key-" + i, 0.10));
        }
        for (int p = 0; p < 4; p++) {
            double share = (double) taken[p] / all[p];
            assertTrue(Math.abs(share - 0.10) < 0.01, "partition " + p + " gets " + share + " of its keys");
        }
        assertTrue(KeyShare.CANARY.within("any".getBytes(StandardCharsets.UTF_8), 1.0), "share 1 takes every key");
    }

    /** Whoever picks keys cannot aim at a canary: each trial takes its own set of keys. */
    @Test
    void twoCanariesOfTheSameShareTakeDifferentKeysAndEachTakesAKeyTheSameWayEveryTime() {
        Rollout.Trial first = startedCanary();
        Rollout.Trial second = startedCanary();
        Set<String> firstKeys = new HashSet<>();
        Set<String> secondKeys = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String key = "key-" + i;
            if (first.keys().within(key, 0.10)) {
                firstKeys.add(key);
            }
            if (second.keys().within(key, 0.10)) {
                secondKeys.add(key);
            }
            // every instance reads the same release, so every instance routes the key the same way
            assertEquals(
                    first.keys().within(key, 0.10),
                    startedCanaryLike(first).keys().within(key, 0.10));
        }
        Set<String> both = new HashSet<>(firstKeys);
        both.retainAll(secondKeys);
        assertTrue(both.size() < firstKeys.size() / 4, both.size() + " of " + firstKeys.size() + " keys in both");
        assertTrue(Math.abs(firstKeys.size() / 10_000.0 - 0.10) < 0.015, firstKeys.size() + " keys taken");
    }

    @Test
    void aCanaryReleaseWithoutASaltKeepsTheFixedOne() {
        Rollout.Trial old = fold(release(ReleaseAction.CANARY_STARTED, 2, 0.1)).canary();
        assertNull(old.salt());
        assertEquals(KeyShare.CANARY, old.keys());
    }

    private static Rollout.Trial startedCanary() {
        ModelRelease started = ModelRelease.newBuilder(release(ReleaseAction.CANARY_STARTED, 2, 0.1))
                .setSalt(KeyShare.newSalt())
                .build();
        return Rollout.NONE.apply("m", started).canary();
    }

    private static Rollout.Trial startedCanaryLike(Rollout.Trial trial) {
        ModelRelease started = ModelRelease.newBuilder(release(ReleaseAction.CANARY_STARTED, 2, 0.1))
                .setSalt(trial.salt())
                .build();
        return Rollout.NONE.apply("m", started).canary();
    }
}
