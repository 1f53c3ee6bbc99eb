package io.fovea.bench;

import io.fovea.broker.LocalS3Server;
import io.fovea.core.store.DirectoryModelStore;
import io.fovea.core.store.ModelStore;
import io.fovea.core.store.location.ModelStores;
import io.fovea.core.store.object.ObjectStoreSettings;
import io.fovea.schemas.kafka.KafkaConnection;
import io.fovea.stream.config.ModelOptions;
import io.fovea.stream.config.StreamConfig;
import io.fovea.stream.config.StreamOptions;
import io.fovea.stream.model.ModelRunner;
import io.fovea.stream.model.backend.Backends;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * How long serve takes to load a version (fetch, SHA-256, build the model, probe batch) from a
 * directory store, from an object store the first time (downloaded into an empty cache) and from
 * an object store whose cache holds it (a restart, a rollback): the same bundle, rounds
 * alternated. The object server is s3proxy on this machine, so the first load shows the cost of
 * the S3 protocol and the cache, not of a network.
 */
final class StoreLoadBench {
    private static final String ACCESS_KEY = "fovea-bench";
    private static final String SECRET_KEY = "fovea-bench-secret";

    private final KafkaConnection kafka;
    private final Path work;
    private final String backend;

    StoreLoadBench(KafkaConnection kafka, Path work, String backend) {
        this.kafka = kafka;
        this.work = work;
        this.backend = backend;
    }

    void run(int rounds, PrintWriter out) {
        // the SDK's default credential chain reads these; a real deployment has its own
        System.setProperty("aws.accessKeyId", ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", SECRET_KEY);
        Backends backends = StreamConfig.of(Map.of(
                        StreamOptions.BOOTSTRAP_SERVERS.key(),
                        kafka.bootstrapServers(),
                        ModelOptions.MODEL_BACKEND.key(),
                        backend))
                .backends();
        try (LocalS3Server s3 = new LocalS3Server(Files.createDirectories(work.resolve("s3")), ACCESS_KEY, SECRET_KEY);
                DirectoryModelStore directory = new DirectoryModelStore(work.resolve("store-loads"))) {
            Map<String, String> settings = new HashMap<>(Map.of(
                    ObjectStoreSettings.ENDPOINT,
                    s3.endpoint().toString(),
                    ObjectStoreSettings.LEDGER_TOPIC,
                    "bench-ledger-" + UUID.randomUUID()));
            String location = "s3://" + s3.newBucket() + "/models";
            BenchVersions.publish(directory);
            try (ModelStore publisher = ModelStores.open(location, withCache(settings, "publish"), () -> kafka)) {
                BenchVersions.publish(publisher);
            }
            seconds(() -> directory, backends); // warms the JIT and the backend, untimed
            List<Double> fromDirectory = new ArrayList<>();
            List<Double> first = new ArrayList<>();
            List<Double> cached = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                fromDirectory.add(seconds(() -> directory, backends));
                Map<String, String> fresh = withCache(settings, "round-" + round);
                first.add(seconds(() -> ModelStores.open(location, fresh, () -> kafka), backends));
                cached.add(seconds(() -> ModelStores.open(location, fresh, () -> kafka), backends));
            }
            long megabytes = Files.size(directory.versionDir("bench", 1).resolve("params.npy")) >> 20;
            out.printf(
                    "%nLoading a version (VGG16, %d MB of parameters, %s; median of %d rounds, alternated;"
                            + " object store: s3proxy on this machine, ledger on the benchmark's Kafka):%n%n",
                    megabytes, backend, rounds);
            out.println("| from | seconds | vs directory store |");
            out.println("| --- | ---: | ---: |");
            double base = Percentiles.median(fromDirectory);
            row(out, "directory store", base, base);
            row(out, "object store, first load (download, cache)", Percentiles.median(first), base);
            row(out, "object store, cached (restart, rollback)", Percentiles.median(cached), base);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Map<String, String> withCache(Map<String, String> settings, String name) {
        Map<String, String> copy = new HashMap<>(settings);
        copy.put(ObjectStoreSettings.CACHE_DIR, work.resolve("cache-" + name).toString());
        return copy;
    }

    /** Opens the store, loads version 1 of the bench model as serve does, and closes both. */
    private static double seconds(Supplier<ModelStore> stores, Backends backends) {
        ModelStore store = stores.get(); // connecting is not loading: a serve does it once
        long start = System.nanoTime();
        try (ModelRunner runner = backends.open(store, "bench", 1)) {
            return (System.nanoTime() - start) / 1e9;
        } finally {
            if (!(store instanceof DirectoryModelStore)) {
                store.close();
            }
        }
    }

    private static void row(PrintWriter out, String from, double seconds, double base) {
        out.printf("| %s | %.2f | %.2f× |%n", from, seconds, seconds / base);
        out.flush();
    }
}
