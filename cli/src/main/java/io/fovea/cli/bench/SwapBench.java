package io.fovea.cli.bench;

import io.fovea.avro.Prediction;
import io.fovea.avro.ReleaseAction;
import io.fovea.core.bundle.BundleManifest;
import io.fovea.core.bundle.ModelFiles;
import io.fovea.core.dataset.ClassLabels;
import io.fovea.core.preprocess.Preprocessing;
import io.fovea.core.release.ReleasePublisher;
import io.fovea.core.store.DirectoryModelStore;
import io.fovea.core.store.StagedBundle;
import io.fovea.schemas.TopicCreator;
import io.fovea.schemas.serde.FoveaRecords;
import io.fovea.stream.config.StreamConfig;
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

/**
 * Hot-swaps under load, the way an operator does them: {@code serve} runs in its own JVM, images
 * flow at a steady rate, and promotions of two VGG16 versions, back and forth, go out on the
 * releases topic. Reports the time to load and check a version, the longest pause in output
 * around a swap against the longest pause without swaps, and the app's resident memory after the
 * first and the last swap (native memory that leaks per reload shows there).
 */
final class SwapBench {
    /** The heap the app gets: fixed, so that resident memory moves only with what lives outside it. */
    static final List<String> SERVE_JVM = List.of("-Xms1g", "-Xmx1g");
    private static final Duration SETTLE = Duration.ofMillis(1500);

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
        store.promote("bench", 1);
        String run = UUID.randomUUID().toString().substring(0, 6);
        String input = "swap-in-" + run;
        String output = "swap-out-" + run;
        String releases = "swap-releases-" + run;
        TopicCreator.ensure(bootstrap, input, PipelineBench.PARTITIONS, false);
        Map<String, String> settings = Map.of(StreamConfig.APPLICATION_ID, "swap-" + run, StreamConfig.INPUT_TOPIC, input,
                StreamConfig.OUTPUT_TOPIC, output, StreamConfig.DLQ_TOPIC, output + "-dlq", StreamConfig.RELEASES_TOPIC, releases,
                StreamConfig.STATE_DIR, work.resolve("state").toString());
        List<Long> arrivals = new ArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        try (ServeProcess app = ServeProcess.start(SERVE_JVM, List.of("--bootstrap", bootstrap, "--store",
                     store.root().toString(), "--model", "bench"), settings, work.resolve("serve.log"))
                .awaitReady(Duration.ofMinutes(3));
             ReleasePublisher publisher = new ReleasePublisher(bootstrap, releases)) {
            Thread reader = new Thread(() -> read(output, arrivals, stop), "swap-bench-reader");
            reader.start();
            Thread load = new Thread(() -> new PipelineBench(bootstrap, work).offerFor(input, rate, stop), "swap-bench-load");
            load.start();
            ServeProcess.pause(15_000); // warm up, then a quiet period without swaps to compare with
            long quietFrom = System.currentTimeMillis();
            double[] q0 = {app.metric("fovea_inference_seconds_sum", ""), app.metric("fovea_inference_seconds_count", ""), app.metric("fovea_batch_size_sum", "")};
            ServeProcess.pause(15_000);
            double[] q1 = {app.metric("fovea_inference_seconds_sum", ""), app.metric("fovea_inference_seconds_count", ""), app.metric("fovea_batch_size_sum", "")};
            System.err.printf("DEBUG quiet: passes %.0f, mean pass %.1f ms, mean batch %.1f%n", q1[1]-q0[1], 1000*(q1[0]-q0[0])/(q1[1]-q0[1]), (q1[2]-q0[2])/(q1[1]-q0[1]));
            long quietTo = System.currentTimeMillis();
            List<Double> swapSeconds = new ArrayList<>();
            List<long[]> windows = new ArrayList<>();
            long rssAfterFirst = 0;
            for (int i = 0; i < swaps; i++) {
                int version = i % 2 == 0 ? 2 : 1;
                double secondsBefore = app.metric("fovea_model_swap_seconds_sum", "");
                long requested = System.currentTimeMillis();
                publisher.send(ReleasePublisher.of(store.manifest("bench", version), store.uri("bench", version),
                        ReleaseAction.PROMOTED, 3 - version));
                awaitSwapped(app, i + 1, version);
                swapSeconds.add(app.metric("fovea_model_swap_seconds_sum", "") - secondsBefore);
                ServeProcess.pause(SETTLE.toMillis());
                windows.add(new long[] {requested, System.currentTimeMillis()});
                if (i == 0) {
                    rssAfterFirst = app.residentBytes();
                }
            }
            long rssAfterLast = app.residentBytes();
            double[] m0 = {app.metric("fovea_inference_seconds_sum", ""), app.metric("fovea_inference_seconds_count", ""), app.metric("fovea_batch_size_sum", "")};
            long postFrom = System.currentTimeMillis();
            ServeProcess.pause(10_000);
            double[] m1 = {app.metric("fovea_inference_seconds_sum", ""), app.metric("fovea_inference_seconds_count", ""), app.metric("fovea_batch_size_sum", "")};
            System.err.printf("DEBUG post: passes %.0f, mean pass %.1f ms, mean batch %.1f; gaps %s%n", m1[1]-m0[1], 1000*(m1[0]-m0[0])/(m1[1]-m0[1]), (m1[2]-m0[2])/(m1[1]-m0[1]), gapsOver(arrivals, postFrom, System.currentTimeMillis(), 150));
            double heapCommitted = app.metric("jvm_memory_committed_bytes", "area=\"heap\"");
            stop.set(true);
            join(load);
            join(reader);
            long quietGap = longestGap(arrivals, quietFrom, quietTo);
            for (int k = 0; k < windows.size(); k++) { long[] w = windows.get(k); System.err.printf("DEBUG swap %d: %.2f s, gap %d ms; gaps: %s%n", k + 1, swapSeconds.get(k), longestGap(arrivals, w[0], w[1]), gapsOver(arrivals, w[0], w[1], 150)); }
            System.err.println("DEBUG quiet gaps: " + gapsOver(arrivals, quietFrom, quietTo, 150));
            long swapGap = windows.stream().mapToLong(w -> longestGap(arrivals, w[0], w[1])).max().orElse(0);
            out.printf("%nHot-swap under load (serve in its own JVM, %s; %.0f img/s offered; VGG16 bundles of %d MB; %d swaps):%n%n",
                    String.join(" ", SERVE_JVM), rate, Files.size(store.versionDir("bench", 1).resolve(ModelFiles.PARAMETERS)) >> 20,
                    swaps);
            out.println("| measure | value |");
            out.println("| --- | ---: |");
            out.printf("| load + check, median (release sent to version serving) | %.2f s |%n", median(swapSeconds));
            out.printf("| longest pause in output, 15 s without swaps | %d ms |%n", quietGap);
            out.printf("| longest pause in output, from each release to %.1f s after its swap | %d ms |%n",
                    SETTLE.toMillis() / 1000.0, swapGap);
            out.printf("| resident memory after swap 1 | %d MB |%n", rssAfterFirst >> 20);
            out.printf("| resident memory after swap %d | %d MB (%+.1f%%) |%n", swaps, rssAfterLast >> 20,
                    100.0 * (rssAfterLast - rssAfterFirst) / rssAfterFirst);
            out.printf("| of which Java heap (committed) | %d MB |%n", (long) heapCommitted >> 20);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the app reports {@code count} swaps done and {@code version} in service; a refusal is an error. */
    private static void awaitSwapped(ServeProcess app, int count, int version) {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (app.metric("fovea_model_swaps_total", "result=\"swapped\"") < count
                || app.metric("fovea_model_version", "model=\"bench\"") != version) {
            if (app.metric("fovea_model_swaps_total", "result=\"refused\"") > 0) {
                throw new IllegalStateException("swap " + count + " refused; see the serve log");
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("swap " + count + " to version " + version + " not done after 2 minutes");
            }
            ServeProcess.pause(20);
        }
    }

    private static void publish(DirectoryModelStore store) {
        ComputationGraph graph = new ComputationGraph(BenchModel.architecture(32).whole(1e-3));
        graph.init();
        try (StagedBundle staged = store.stage("bench")) {
            String sha256 = ModelFiles.write(graph, staged.dir());
            staged.commit(new BundleManifest("bench", staged.version(), Instant.now(), "vgg16", "none", ClassLabels.CIFAR10,
                    Preprocessing.vggImagenetMean(32), ModelFiles.NAMES, sha256, Map.of(), Map.of(), Map.of(), "bench"));
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

    private static String gapsOver(List<Long> arrivals, long from, long to, long min) {
        List<Long> inside;
        synchronized (arrivals) {
            inside = arrivals.stream().filter(t -> t >= from && t <= to).sorted().toList();
        }
        StringBuilder b = new StringBuilder();
        for (int i = 1; i < inside.size(); i++) {
            if (inside.get(i) - inside.get(i - 1) >= min) b.append(inside.get(i - 1) - from).append("+").append(inside.get(i) - inside.get(i - 1)).append(" ");
        }
        return b.toString();
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() / 2);
    }

    private static void join(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
