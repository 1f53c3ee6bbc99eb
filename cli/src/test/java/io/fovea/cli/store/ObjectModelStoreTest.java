package io.fovea.cli.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.core.bundle.BundleIntegrityException;
import io.fovea.core.bundle.BundleManifest;
import io.fovea.core.bundle.ModelFiles;
import io.fovea.core.bundle.VerifiedBundle;
import io.fovea.core.store.ModelStore;
import io.fovea.core.store.Promotions;
import io.fovea.core.store.StagedBundle;
import io.fovea.core.store.StoreUnavailableException;
import io.fovea.core.store.location.ModelStores;
import io.fovea.core.store.object.ObjectStoreSettings;
import io.fovea.testing.KafkaTestBroker;
import io.fovea.testing.S3TestServer;
import io.fovea.testing.TinyBundles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The object store against a real S3-compatible server (s3proxy) and a real Kafka broker (its ledger). */
class ObjectModelStoreTest {
    private static S3TestServer s3;

    @TempDir
    Path temp;

    @BeforeAll
    static void server() {
        s3 = S3TestServer.start();
    }

    @AfterAll
    static void stop() {
        s3.close();
    }

    /** A store on a new bucket with a ledger of its own; {@code cache} names the process's cache. */
    private ModelStore open(String bucket, String ledger, String cache) {
        Map<String, String> settings = new HashMap<>(s3.settings(temp.resolve(cache)));
        settings.put(ObjectStoreSettings.LEDGER_TOPIC, ledger);
        return ModelStores.open("s3://" + bucket + "/models", settings, KafkaTestBroker::connection);
    }

    /** The same, with a cache of at most {@code cacheMaxBytes}. */
    private ModelStore open(String bucket, String ledger, String cache, long cacheMaxBytes) {
        Map<String, String> settings = new HashMap<>(s3.settings(temp.resolve(cache)));
        settings.put(ObjectStoreSettings.LEDGER_TOPIC, ledger);
        settings.put(ObjectStoreSettings.CACHE_MAX_BYTES, Long.toString(cacheMaxBytes));
        return ModelStores.open("s3://" + bucket + "/models", settings, KafkaTestBroker::connection);
    }

    /** The files s3proxy keeps for the bucket's objects whose file names pass {@code named}. */
    private static List<Path> objects(String bucket, Predicate<String> named) throws Exception {
        try (Stream<Path> files = Files.walk(s3.dataDir().resolve(bucket))) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> named.test(p.getFileName().toString()))
                    .toList();
        }
    }

    private static String ledger() {
        return "ledger-" + UUID.randomUUID();
    }

    @Test
    void aPublishedVersionIsVisibleOnlyOnceWholeAndLoadsFromTheBytesItChecked() {
        String bucket = s3.newBucket();
        try (ModelStore store = open(bucket, ledger(), "cache")) {
            try (StagedBundle staged = store.stage("tiny")) {
                assertEquals(1, staged.version());
                assertEquals(List.of(), store.versions("tiny"), "nothing visible before commit");
            }
            assertEquals(List.of(), store.versions("tiny"), "an abandoned version stays invisible");
            int version = TinyBundles.publish(store, "tiny", 1);
            assertEquals(2, version, "an abandoned number is skipped, never reused");
            assertEquals(List.of(2), store.versions("tiny"));
            assertEquals(List.of("tiny"), store.models());
            BundleManifest manifest = store.manifest("tiny", 2);
            VerifiedBundle bundle = store.verified("tiny", 2, ModelFiles.NAMES);
            assertEquals(manifest.sha256(), bundle.manifest().sha256());
            assertTrue(bundle.files().get(ModelFiles.PARAMETERS).length > 0);
            assertEquals(
                    "s3://" + bucket + "/models/tiny/2/", store.uri("tiny", 2).toString());
        }
    }

    @Test
    void twoPublishersAtOnceNeverTakeTheSameNumber() throws Exception {
        String bucket = s3.newBucket();
        String ledger = ledger();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (ModelStore a = open(bucket, ledger, "a");
                ModelStore b = open(bucket, ledger, "b")) {
            List<Future<Integer>> published = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                long seed = i;
                published.add(pool.submit(() -> TinyBundles.publish(a, "race", seed)));
                published.add(pool.submit(() -> TinyBundles.publish(b, "race", seed)));
            }
            List<Integer> numbers = new ArrayList<>();
            for (Future<Integer> f : published) {
                numbers.add(f.get());
            }
            assertEquals(
                    List.of(1, 2, 3, 4, 5, 6, 7, 8), numbers.stream().sorted().toList());
            assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8), a.versions("race"));
            for (int v = 1; v <= 8; v++) {
                b.verify("race", v);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentPromotionsLoseNoUpdateAndRollbackFollowsTheHistory() throws Exception {
        String bucket = s3.newBucket();
        String ledger = ledger();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (ModelStore a = open(bucket, ledger, "a");
                ModelStore b = open(bucket, ledger, "b")) {
            TinyBundles.publish(a, "promo", 1);
            TinyBundles.publish(a, "promo", 2);
            Future<?> first = pool.submit(() -> {
                for (int i = 0; i < 5; i++) {
                    a.promote("promo", 1);
                }
            });
            Future<?> second = pool.submit(() -> {
                for (int i = 0; i < 5; i++) {
                    b.promote("promo", 2);
                }
            });
            first.get();
            second.get();
            List<Promotions.Entry> history = b.promotions("promo").entries();
            assertEquals(10, history.size(), "every promotion is in the history");
            int last = history.get(9).version();
            assertEquals(last, a.promoted("promo").orElseThrow());
            Promotions.Change back = a.rollback("promo");
            assertEquals(history.get(8).version(), back.version());
            assertEquals(11, b.promotions("promo").entries().size());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aCorruptObjectIsRefusedAndNeverCached() throws Exception {
        String bucket = s3.newBucket();
        try (ModelStore store = open(bucket, ledger(), "cache")) {
            TinyBundles.publish(store, "bad", 1);
            Path params = objects(bucket, ModelFiles.PARAMETERS::equals).get(0);
            byte[] bytes = Files.readAllBytes(params);
            bytes[bytes.length - 1] ^= 1;
            Files.write(params, bytes);
            BundleIntegrityException refused =
                    assertThrows(BundleIntegrityException.class, () -> store.verified("bad", 1, ModelFiles.NAMES));
            assertTrue(refused.getMessage().contains("SHA-256"), refused.getMessage());
            try (Stream<Path> cached = Files.list(temp.resolve("cache").resolve("bundles"))) {
                assertEquals(0, cached.count());
            }
        }
    }

    @Test
    void anIndexReplacedByAHugeObjectIsRefusedUnreadNotLoadedIntoTheHeap() throws Exception {
        String bucket = s3.newBucket();
        String ledger = ledger();
        try (ModelStore store = open(bucket, ledger, "writer")) {
            TinyBundles.publish(store, "huge", 1);
        }
        Path index = objects(bucket, name -> name.startsWith("index-")).get(0);
        Files.write(index, new byte[(1 << 20) + 1]); // one byte over what an index may hold
        try (ModelStore reader = open(bucket, ledger, "reader")) {
            BundleIntegrityException refused =
                    assertThrows(BundleIntegrityException.class, () -> reader.manifest("huge", 1));
            assertTrue(refused.getMessage().contains("1048577 bytes"), refused.getMessage());
        }
    }

    @Test
    void aVersionAsLargeAsTheCacheLoadsAndAnObjectReplacedByALargerOneIsRefusedBeforeItIsDownloaded() throws Exception {
        String bucket = s3.newBucket();
        String ledger = ledger();
        try (ModelStore writer = open(bucket, ledger, "writer")) {
            TinyBundles.publish(writer, "grown", 1);
        }
        List<Path> objects = objects(bucket, ModelFiles.NAMES::contains);
        long versionBytes = 0;
        for (Path object : objects) {
            versionBytes += Files.size(object);
        }
        try (ModelStore exact = open(bucket, ledger, "exact", versionBytes)) {
            assertEquals(
                    1, exact.verified("grown", 1, ModelFiles.NAMES).manifest().version());
        }
        Path params = objects.stream()
                .filter(p -> p.getFileName().toString().equals(ModelFiles.PARAMETERS))
                .findFirst()
                .orElseThrow();
        long grown = Files.size(params) + 1;
        Files.write(params, new byte[] {0}, java.nio.file.StandardOpenOption.APPEND); // one byte over
        try (ModelStore reader = open(bucket, ledger, "reader", versionBytes)) {
            BundleIntegrityException refused =
                    assertThrows(BundleIntegrityException.class, () -> reader.verified("grown", 1, ModelFiles.NAMES));
            assertTrue(refused.getMessage().contains(grown + " bytes"), refused.getMessage());
            assertTrue(refused.getMessage().contains("refused before downloading it"), refused.getMessage());
            try (Stream<Path> left = Files.walk(temp.resolve("reader"))) {
                assertEquals(
                        List.of(),
                        left.filter(Files::isRegularFile)
                                .filter(p ->
                                        !p.getParent().getFileName().toString().equals("indexes"))
                                .toList(),
                        "nothing of the version kept on disk");
            }
        }
    }

    @Test
    void aCachedVersionLoadsWithTheServerDownAndAnUncachedOneSaysWhereTheStoreIs() {
        String bucket = s3.newBucket();
        try (ModelStore store = open(bucket, ledger(), "cache")) {
            TinyBundles.publish(store, "cached", 1);
            TinyBundles.publish(store, "cached", 2);
            store.verified("cached", 1, ModelFiles.NAMES);
            s3.pause();
            try {
                VerifiedBundle again = store.verified("cached", 1, ModelFiles.NAMES);
                assertTrue(again.source().endsWith("(cached)"), again.source());
                StoreUnavailableException down = assertThrows(
                        StoreUnavailableException.class, () -> store.verified("cached", 2, ModelFiles.NAMES));
                assertTrue(down.getMessage().contains("s3://" + bucket + "/models"), down.getMessage());
                assertTrue(down.getMessage().contains(s3.endpoint().toString()), down.getMessage());
            } finally {
                s3.resume();
            }
            assertFalse(store.verified("cached", 2, ModelFiles.NAMES).source().endsWith("(cached)"));
        }
    }
}
