package io.fovea.cli.bench;

import io.fovea.avro.Prediction;
import io.fovea.core.bundle.BundleManifest;
import io.fovea.core.bundle.Sha256;
import io.fovea.core.dataset.ClassLabels;
import io.fovea.core.preprocess.Preprocessing;
import io.fovea.core.store.DirectoryModelStore;
import io.fovea.core.store.StagedBundle;
import io.fovea.schemas.TopicCreator;
import io.fovea.schemas.serde.FoveaRecords;
import io.fovea.stream.StreamApp;
import io.fovea.stream.config.StreamConfig;
import io.fovea.stream.model.Dl4jModelRunner;
import io.fovea.stream.model.ModelSwapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

/**
 * Hot-swaps under load: two VGG16 versions in a store, swapped back and forth while images
 * flow at a steady rate. Reports the time to load, check and warm a version, the longest pause
 * in output around a swap against the longest pause without swaps, and resident memory after
 * the first and the last swap (native memory that leaks per reload shows here).
 */
final class SwapBench {
    private final String bootstrap;
    private final Path work;

    SwapBench(String bootstrap, Path work) {
        this.bootstrap = bootstrap;
        this.work = work;
    }

    void run(int swaps, double rate, PrintWriter out) {
        DirectoryModelStore store = new DirectoryModelStore(work.resolve("store"));
        publish(store);
        publish(store);
        String input = "swap-in-" + UUID.randomUUID().toString().substring(0, 6);
        String output = input.replace("in", "out");
        TopicCreator.ensure(bootstrap, input, PipelineBench.PARTITIONS, false);
        StreamConfig config = StreamConfig.of(Map.of(StreamConfig.BOOTSTRAP_SERVERS, bootstrap,
                StreamConfig.APPLICATION_ID, "swap-" + UUID.randomUUID().toString().substring(0, 6),
                StreamConfig.INPUT_TOPIC, input, StreamConfig.OUTPUT_TOPIC, output, StreamConfig.DLQ_TOPIC, output + "-dlq",
                StreamConfig.RELEASES_TOPIC, "swap-releases-" + UUID.randomUUID().toString().substring(0, 6),
                StreamConfig.STATE_DIR, work.resolve("state").toString(), StreamConfig.HTTP_PORT, "-1"));
        List<Long> arrivals = new ArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        try (StreamApp app = new StreamApp(config, new Dl4jModelRunner(store.load("bench", 1))).start()) {
            app.followReleases(store, "bench");
            Thread reader = new Thread(() -> read(output, arrivals, stop), "swap-bench-reader");
            reader.start();
            Thread load = new Thread(() -> new PipelineBench(bootstrap, work).offerFor(input, rate, stop), "swap-bench-load");
            load.start();
            sleep(15_000); // warm up, then a quiet period without swaps to compare with
            long quietFrom = System.currentTimeMillis();
            sleep(15_000);
            long quietTo = System.currentTimeMillis();
            List<Double> swapSeconds = new ArrayList<>();
            List<long[]> windows = new ArrayList<>();
            long rssAfterFirst = 0;
            for (int i = 0; i < swaps; i++) {
                long requested = System.currentTimeMillis();
                ModelSwapper.Outcome outcome = app.requestVersion("bench", i % 2 == 0 ? 2 : 1).join();
                if (!outcome.swapped()) {
                    throw new IllegalStateException("swap " + (i + 1) + " refused: " + outcome.reason());
                }
                swapSeconds.add(outcome.seconds());
                sleep(1500);
                windows.add(new long[] {requested, System.currentTimeMillis()});
                if (i == 0) {
                    rssAfterFirst = residentKb();
                }
            }
            System.gc();
            sleep(2000);
            long rssAfterLast = residentKb();
            stop.set(true);
            join(load);
            join(reader);
            long quietGap = longestGap(arrivals, quietFrom, quietTo);
            long swapGap = windows.stream().mapToLong(w -> longestGap(arrivals, w[0], w[1])).max().orElse(0);
            out.printf("%nHot-swap under load (%.0f img/s offered, VGG16 bundles of %d MB, %d swaps):%n%n", rate,
                    Files.size(store.versionDir("bench", 1).resolve("model.zip")) >> 20, swaps);
            out.println("| measure | value |");
            out.println("| --- | ---: |");
            out.printf("| load + check + warm-up, median | %.2f s |%n", median(swapSeconds));
            out.printf("| longest pause in output, 15 s without swaps | %d ms |%n", quietGap);
            out.printf("| longest pause in output, during swaps | %d ms |%n", swapGap);
            out.printf("| resident memory after swap 1 | %d MB |%n", rssAfterFirst >> 10);
            out.printf("| resident memory after swap %d | %d MB (%+.1f%%) |%n", swaps, rssAfterLast >> 10,
                    100.0 * (rssAfterLast - rssAfterFirst) / rssAfterFirst);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void publish(DirectoryModelStore store) {
        ComputationGraph graph = new ComputationGraph(BenchModel.architecture(32).whole(1e-3));
        graph.init();
        try (StagedBundle staged = store.stage("bench")) {
            Path file = staged.dir().resolve("model.zip");
            ModelSerializer.writeModel(graph, file.toFile(), false);
            staged.commit(new BundleManifest("bench", staged.version(), Instant.now(), "vgg16", "none", ClassLabels.CIFAR10,
                    Preprocessing.vggImagenetMean(32), "model.zip", Sha256.of(file), Map.of(), Map.of(), Map.of(), "bench"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            graph.close();
        }
    }

    private void read(String output, List<Long> arrivals, AtomicBoolean stop) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "swap-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(Set.of(output));
            while (!stop.get()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                    Prediction p = FoveaRecords.PREDICTION.decode(record.value());
                    synchronized (arrivals) {
                        arrivals.add(p.getPredictionTime().toEpochMilli());
                    }
                }
            }
        }
    }

    /** Longest time between two predictions made within [from, to]. */
    private static long longestGap(List<Long> arrivals, long from, long to) {
        List<Long> inside;
        synchronized (arrivals) {
            inside = arrivals.stream().filter(t -> t >= from && t <= to).sorted().toList();
        }
        long gap = 0;
        for (int i = 1; i < inside.size(); i++) {
            gap = Math.max(gap, inside.get(i) - inside.get(i - 1));
        }
        return gap;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() / 2);
    }

    /** VmRSS of this process, in kB (Linux). */
    private static long residentKb() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                    .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElse(-1);
        } catch (IOException e) {
            return -1;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void join(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
