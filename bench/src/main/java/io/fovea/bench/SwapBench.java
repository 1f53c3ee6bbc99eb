package io.fovea.bench;

import static io.fovea.core.runtime.Blocking.join;
import static io.fovea.core.runtime.Blocking.pause;

import io.fovea.avro.ReleaseAction;
import io.fovea.core.bundle.ModelFiles;
import io.fovea.core.release.ReleasePublisher;
import io.fovea.core.store.DirectoryModelStore;
import io.fovea.schemas.kafka.KafkaConnection;
import io.fovea.schemas.kafka.TopicCreator;
import io.fovea.stream.config.ModelOptions;
import io.fovea.stream.config.StreamOptions;
import io.fovea.stream.model.ModelRunner;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hot-swaps under load, the way an operator does them: {@code serve} runs in its own JVM, images
 * flow at a steady rate, and promotions of two VGG16 versions, back and forth, go out on the
 * releases topic. Reports the time to load and check a version, the gap in output at each switch
 * against one batch's inference time, the longest pauses with and without swaps, and the app's
 * resident memory after the first and the last swap (native memory that leaks per reload shows
 * there).
 */
final class SwapBench {
    /** Fovea's own INFO lines (each swap's load and switch) in the serve log. */
    private static final String SERVE_LOG_LEVEL = "-Dorg.slf4j.simpleLogger.log.io.fovea=info";

    private static final Duration SETTLE = Duration.ofMillis(1500);
    static final int MAX_BATCH = 32;
    static final long MAX_WAIT_MS = 10;

    private final KafkaConnection kafka;
    private final Path commandConfig;
    private final Path work;
    private final List<String> jvmOptions;
    /** Which backend serves the versions swapped (each bundle holds both models). */
    private final String backend;
    /** The side of the versions' square input: images are resized to it in the forward pass. */
    private final int inputSize;

    /** @param commandConfig the client properties file {@code kafka} came from, for the serve process; or null */
    private final Map<String, String> own;

    /**
     * @param own serve settings over the benchmark's (say which in the table's title)
     * @param inputSize the side of the versions' input (32 to 224)
     */
    SwapBench(
            KafkaConnection kafka,
            Path commandConfig,
            Path work,
            List<String> jvmOptions,
            String backend,
            Map<String, String> own,
            int inputSize) {
        this.own = own;
        this.inputSize = inputSize;
        this.backend = backend;
        this.kafka = kafka;
        this.commandConfig = commandConfig;
        this.work = work;
        this.jvmOptions = jvmOptions;
    }

    private List<String> serveArguments(DirectoryModelStore store) {
        List<String> args = new ArrayList<>(List.of(
                "--bootstrap", kafka.bootstrapServers(), "--store", store.root().toString(), "--model", "bench"));
        if (commandConfig != null) {
            args.addAll(List.of("--command-config", commandConfig.toString()));
        }
        return args;
    }

    /** The 15 s without swaps: the longest pause in output, and resident memory at its start and end. */
    record Quiet(long longestGapMillis, long residentFrom, long residentTo) {}

    /** What the swaps took: each one's load-and-check time, each switch, the worst pause, memory after the first and last. */
    record Swaps(
            List<Double> seconds,
            List<OutputTimeline.Switch> switches,
            long longestGapMillis,
            long residentAfterFirst,
            long residentAfterLast,
            long peakResident) {}

    void run(int swaps, double rate, PrintWriter out) {
        double batchMillis;
        try (ModelRunner model = BenchModel.runner(inputSize, true)) {
            batchMillis = 1000.0 * MAX_BATCH / BenchModel.bareImagesPerSecond(model, MAX_BATCH, 5);
        }
        DirectoryModelStore store = new DirectoryModelStore(work.resolve("store"));
        BenchVersions.publish(store, inputSize);
        BenchVersions.publish(store, inputSize);
        BenchVersions.publish(store, inputSize);
        // serve follows only promotions the store holds: each version's is made before 3 is corrupted
        store.promote("bench", 3);
        store.promote("bench", 2);
        store.promote("bench", 1);
        BenchVersions.corrupt(store.versionDir("bench", 3).resolve(ModelFiles.PARAMETERS));
        String run = UUID.randomUUID().toString().substring(0, 6);
        String input = "swap-in-" + run;
        String output = "swap-out-" + run;
        String releases = "swap-releases-" + run;
        TopicCreator.ensure(kafka, input, PipelineBench.PARTITIONS, false);
        Map<String, String> settings =
                ServeProcess.topics("swap-" + run, input, output, releases, work.resolve("state"));
        settings.put(StreamOptions.MAX_BATCH_SIZE.key(), Integer.toString(MAX_BATCH));
        settings.put(StreamOptions.MAX_BATCH_WAIT_MS.key(), Long.toString(MAX_WAIT_MS));
        settings.put(ModelOptions.MODEL_BACKEND.key(), backend);
        settings.putAll(own);
        List<String> jvm = new ArrayList<>(jvmOptions);
        jvm.add(SERVE_LOG_LEVEL);
        AtomicBoolean stop = new AtomicBoolean();
        try (ServeProcess app = ServeProcess.start(jvm, serveArguments(store), settings, work.resolve("serve.log"))
                        .awaitReady(Duration.ofMinutes(3));
                ReleasePublisher publisher = new ReleasePublisher(kafka, releases);
                OutputTimeline timeline = new OutputTimeline(kafka, output)) {
            AtomicInteger refused = new AtomicInteger();
            Thread load =
                    new Thread(() -> refused.set(new ImageLoad(kafka).offerFor(input, rate, stop)), "swap-bench-load");
            load.start();
            pause(Duration.ofSeconds(15)); // warm up, then a quiet period without swaps to compare with
            Quiet quiet = quietPeriod(app, timeline);
            Swaps done = swapBackAndForth(app, publisher, store, timeline, swaps);
            long corruptGap = releaseCorrupt(app, publisher, store, timeline);
            double heapCommitted = app.metric("jvm_memory_committed_bytes", "area=\"heap\"");
            stop.set(true);
            join(load);
            out.printf(
                    "%nHot-swap under load (serve in its own JVM: %s%s; %.0f img/s offered; VGG16 at %dx%d of %d MB"
                            + " served by %s; %d swaps):%n%n",
                    String.join(" ", jvmOptions),
                    own.isEmpty() ? "" : "; " + own,
                    rate,
                    inputSize,
                    inputSize,
                    Files.size(store.versionDir("bench", 1).resolve(ModelFiles.PARAMETERS)) >> 20,
                    backend,
                    swaps);
            SwapReport.table(out, batchMillis, SETTLE, quiet, done, corruptGap, heapCommitted);
            if (refused.get() > 0) {
                // a refused image is a pause in the input, and the gaps above may hold it
                out.printf(
                        "%nThe broker refused %d of the offered images: the pauses above may include them.%n",
                        refused.get());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Quiet quietPeriod(ServeProcess app, OutputTimeline timeline) {
        long from = System.currentTimeMillis();
        long residentFrom = app.residentBytes();
        pause(Duration.ofSeconds(15));
        long to = System.currentTimeMillis();
        return new Quiet(timeline.longestGap(from, to), residentFrom, app.residentBytes());
    }

    /** Promotes versions 2 and 1 in turn, {@code swaps} times, each once the previous one serves. */
    private static Swaps swapBackAndForth(
            ServeProcess app,
            ReleasePublisher publisher,
            DirectoryModelStore store,
            OutputTimeline timeline,
            int swaps) {
        List<Double> swapSeconds = new ArrayList<>();
        List<OutputTimeline.Switch> switches = new ArrayList<>();
        long longestAroundSwaps = 0;
        long residentAfterFirst = 0;
        for (int i = 0; i < swaps; i++) {
            int version = i % 2 == 0 ? 2 : 1;
            double secondsBefore = app.metric("fovea_model_swap_seconds_sum", "");
            long released = System.currentTimeMillis();
            publisher.send(ReleasePublisher.of(
                    store.manifest("bench", version),
                    store.uri("bench", version),
                    ReleaseAction.PROMOTED,
                    3 - version));
            // watch the output, not the app: scraping its metrics this often would slow it down
            timeline.awaitVersion(version, released, Duration.ofMinutes(2));
            pause(SETTLE);
            checkSwapped(app, i + 1);
            swapSeconds.add(app.metric("fovea_model_swap_seconds_sum", "") - secondsBefore);
            OutputTimeline.Switch at = timeline.switchAt(version, released, System.currentTimeMillis());
            if (at == null) {
                throw new IllegalStateException(
                        "swap " + (i + 1) + ": no prediction before the first by version " + version);
            }
            switches.add(at);
            longestAroundSwaps =
                    Math.max(longestAroundSwaps, timeline.longestGap(released, System.currentTimeMillis()));
            if (i == 0) {
                residentAfterFirst = app.residentBytes();
            }
        }
        return new Swaps(
                swapSeconds,
                switches,
                longestAroundSwaps,
                residentAfterFirst,
                app.residentBytes(),
                app.peakResidentBytes());
    }

    /** Releases version 3, whose parameters are corrupt: it must be refused and never serve. Returns the longest pause around it. */
    private static long releaseCorrupt(
            ServeProcess app, ReleasePublisher publisher, DirectoryModelStore store, OutputTimeline timeline) {
        long released = System.currentTimeMillis();
        publisher.send(
                ReleasePublisher.of(store.manifest("bench", 3), store.uri("bench", 3), ReleaseAction.PROMOTED, null));
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (app.metric("fovea_model_swaps_total", "result=\"refused\"") < 1) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the corrupt version 3 was not refused within 2 minutes");
            }
            pause(Duration.ofMillis(250)); // rarely: scraping is work for the app too
        }
        pause(SETTLE);
        long now = System.currentTimeMillis();
        if (timeline.switchAt(3, released, now) != null) {
            throw new IllegalStateException("the corrupt version 3 made predictions");
        }
        return timeline.longestGap(released, now);
    }

    /** The app must report {@code count} swaps done and none refused. */
    private static void checkSwapped(ServeProcess app, int count) {
        double swapped = app.metric("fovea_model_swaps_total", "result=\"swapped\"");
        double refused = app.metric("fovea_model_swaps_total", "result=\"refused\"");
        if (swapped != count || refused > 0) {
            throw new IllegalStateException("after " + count + " releases the app reports " + swapped + " swaps and "
                    + refused + " refusals; see the serve log");
        }
    }
}
