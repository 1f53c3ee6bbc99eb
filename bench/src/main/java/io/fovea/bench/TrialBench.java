package io.fovea.bench;

import static io.fovea.core.runtime.Blocking.pause;

import io.fovea.avro.ReleaseAction;
import io.fovea.core.release.ReleasePublisher;
import io.fovea.core.store.DirectoryModelStore;
import io.fovea.schemas.kafka.KafkaConnection;
import io.fovea.schemas.kafka.TopicCreator;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What a trial costs the version that serves: {@code serve} in its own JVM serves a VGG16 while
 * a second one runs beside it as a shadow on every image, as a shadow on a tenth, as a 10% canary,
 * or not at all; each condition classifies the same burst of images, alternated round by round,
 * and is compared with the no-trial run of its own round. Also reports resident memory with one
 * version and with two.
 */
final class TrialBench {
    /** A state of the releases: a shadow or canary of version 2 on {@code share}, or none. */
    record Condition(String name, ReleaseAction start, double share) {}

    static final List<Condition> CONDITIONS = List.of(
            new Condition("no trial", null, 0),
            new Condition("shadow on every image", ReleaseAction.SHADOW_STARTED, 1.0),
            new Condition("shadow on 10% of images", ReleaseAction.SHADOW_STARTED, 0.1),
            new Condition("canary on 10% of keys", ReleaseAction.CANARY_STARTED, 0.1));

    private final KafkaConnection kafka;
    private final Path work;
    private final List<String> jvmOptions;

    TrialBench(KafkaConnection kafka, Path work, List<String> jvmOptions) {
        this.kafka = kafka;
        this.work = work;
        this.jvmOptions = jvmOptions;
    }

    /** A condition's figures over the rounds. */
    record Measured(List<Double> imagesPerSecond, List<Double> againstNone, List<Long> residentBytes) {}

    void run(int rounds, int images, PrintWriter out) {
        DirectoryModelStore store = new DirectoryModelStore(work.resolve("store"));
        BenchVersions.publish(store);
        BenchVersions.publish(store);
        store.promote("bench", 1);
        String run = UUID.randomUUID().toString().substring(0, 6);
        String input = "trial-in-" + run;
        String output = "trial-out-" + run;
        String releases = "trial-releases-" + run;
        TopicCreator.ensure(kafka, input, PipelineBench.PARTITIONS, false);
        Map<String, String> settings =
                ServeProcess.topics("trial-" + run, input, output, releases, work.resolve("state"));
        List<String> args = List.of(
                "--bootstrap", kafka.bootstrapServers(), "--store", store.root().toString(), "--model", "bench");
        ImageLoad load = new ImageLoad(kafka);
        Map<Condition, Measured> results = new LinkedHashMap<>();
        long oneVersion;
        CONDITIONS.forEach(c -> results.put(c, new Measured(new ArrayList<>(), new ArrayList<>(), new ArrayList<>())));
        try (ServeProcess app = ServeProcess.start(jvmOptions, args, settings, work.resolve("serve.log"))
                        .awaitReady(Duration.ofMinutes(3));
                ReleasePublisher publisher = new ReleasePublisher(kafka, releases);
                OutputTimeline timeline = new OutputTimeline(kafka, output)) {
            Trials trials = new Trials(app, publisher, store);
            oneVersion = app.residentBytes(); // before any second version was ever loaded
            // warm-up, not measured: the JIT compiles the paths every condition takes
            for (Condition c : CONDITIONS) {
                trials.enter(c);
                burst(load, timeline, input, images / 2, "warm-" + c.name().hashCode() + "-");
            }
            for (int round = 0; round < rounds; round++) {
                // each round starts one condition later, so that no condition always runs first
                // after a swap or last before one
                Map<Condition, Double> rates = new LinkedHashMap<>();
                for (int i = 0; i < CONDITIONS.size(); i++) {
                    Condition c = CONDITIONS.get((round + i) % CONDITIONS.size());
                    trials.enter(c);
                    rates.put(c, burst(load, timeline, input, images, "r" + round + "-" + i + "-"));
                    results.get(c).residentBytes().add(app.residentBytes());
                }
                double none = rates.get(CONDITIONS.get(0));
                rates.forEach((c, rate) -> {
                    results.get(c).imagesPerSecond().add(rate);
                    results.get(c).againstNone().add(rate / none);
                });
            }
        }
        table(out, rounds, images, results);
    }

    private void table(PrintWriter out, int rounds, int images, Map<Condition, Measured> results) {
        out.printf(
                "%nTrials beside the served version (serve in its own JVM: %s; a VGG16 at 32x32 serves, a second is on"
                        + " trial; %d images per run; %d rounds, each starting one condition later):%n%n",
                String.join(" ", jvmOptions), images, rounds);
        out.println(
                "| condition | served images/s (median) | against no trial, same round (median) | resident MB (median) |");
        out.println("| --- | ---: | ---: | ---: |");
        results.forEach((c, m) -> out.printf(
                "| %s | %.1f | %.2f | %d |%n",
                c.name(),
                Percentiles.median(m.imagesPerSecond()),
                Percentiles.median(m.againstNone()),
                (long) Percentiles.median(m.residentBytes().stream()
                                .map(Long::doubleValue)
                                .toList())
                        >> 20));
        out.flush();
    }

    /** Writes {@code n} images and waits for their predictions: images per second from the first written to the last predicted. */
    private static double burst(ImageLoad load, OutputTimeline timeline, String input, int n, String prefix) {
        pause(Duration.ofSeconds(1));
        long start = System.currentTimeMillis();
        load.fill(input, n, prefix);
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        List<OutputTimeline.Made> made;
        while ((made = timeline.since(start)).size() < n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + made.size() + " of " + n + " predictions in 5 minutes");
            }
            pause(Duration.ofMillis(50));
        }
        return n / ((made.get(n - 1).millis() - start) / 1000.0);
    }

    /** Moves the releases to a condition and waits until serve runs it. */
    private record Trials(ServeProcess app, ReleasePublisher publisher, DirectoryModelStore store) {
        void enter(Condition c) {
            end(ReleaseAction.CANARY_ENDED);
            end(ReleaseAction.SHADOW_ENDED);
            if (c.start() != null) {
                publisher.send(ReleasePublisher.trialStarted(
                        store.manifest("bench", 2), store.uri("bench", 2), c.start(), 1, c.share(), null));
            }
            String role = c.start() == ReleaseAction.CANARY_STARTED ? "canary" : "shadow";
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (share("canary") + share("shadow") != c.share() || c.start() != null && share(role) != c.share()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("serve did not enter '" + c.name() + "' within 3 minutes");
                }
                pause(Duration.ofMillis(250));
            }
        }

        private double share(String role) {
            return app.metric("fovea_trial_share", "role=\"" + role + "\"");
        }

        private void end(ReleaseAction action) {
            publisher.send(ReleasePublisher.trialEnded(
                    store.manifest("bench", 2), store.uri("bench", 2), action, 1, "benchmark"));
        }
    }
}
