package io.fovea.cli.demo;

import static io.fovea.core.runtime.Blocking.join;

import io.fovea.avro.ReleaseAction;
import io.fovea.broker.LocalKafkaBroker;
import io.fovea.cli.produce.ImageEventProducer;
import io.fovea.core.cli.InputSizeOption;
import io.fovea.core.cli.ModelNameOption;
import io.fovea.core.dataset.Dataset;
import io.fovea.core.release.ReleasePublisher;
import io.fovea.core.store.DirectoryModelStore;
import io.fovea.schemas.Topics;
import io.fovea.schemas.kafka.KafkaConnection;
import io.fovea.stream.StreamApp;
import io.fovea.stream.config.StreamConfig;
import io.fovea.stream.config.StreamOptions;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The whole product on one machine with nothing else running: an in-process broker, a model
 * store with two versions (trained quickly if missing), the stream app, the CIFAR-10 test set
 * streamed through it, the second version promoted halfway, one live status line, a summary.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Runs Fovea end to end on this machine, with nothing else running.",
            "Starts Kafka in-process, makes sure the store has two model versions (training quick ones"
                    + " if not), serves the first, streams the CIFAR-10 test set, promotes the second halfway"
                    + " through, and ends with a summary table."
        })
public final class DemoCommand implements Callable<Integer> {
    @Option(
            names = "--data",
            paramLabel = "PATH",
            description = "CIFAR-10 binary folder (default: $" + CifarLocator.ENV
                    + ", then data/ and ../shared/datasets/ beside Fovea; "
                    + "else the official archive is downloaded into data/).")
    Path data;

    @Option(
            names = "--limit",
            paramLabel = "N",
            description = "Stream only the first N test images (default: all 10,000).")
    int limit = Integer.MAX_VALUE;

    @Option(
            names = "--rate",
            paramLabel = "N",
            description =
                    "Offer N images a second (default: all at once, so latency includes the backlog in the topic).")
    double rate;

    /** Not the shared --store: the demo keeps its models apart from ~/.fovea/models. */
    @Option(
            names = "--store",
            paramLabel = "DIR",
            defaultValue = "${sys:user.home}/.fovea/demo-models",
            description = "Model store (default: ${DEFAULT-VALUE}).")
    Path store;

    @Mixin
    ModelNameOption modelName;

    @Option(
            names = "--weights",
            defaultValue = "none",
            description = "Backbone weights for models the demo trains (default: ${DEFAULT-VALUE}).")
    String weights;

    /** For the models the demo trains. */
    @Mixin
    InputSizeOption input;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Path foveaHome = Path.of(System.getProperty("fovea.home", "."));
        Path testBatch = CifarLocator.testBatchOrDownload(data, System.getenv(CifarLocator.ENV), foveaHome, download());
        DirectoryModelStore models = new DirectoryModelStore(store);
        int[] versions =
                DemoModels.ensureTwo(models, modelName.name(), testBatch.getParent(), weights, input.side(), out);
        Dataset testSet = Dataset.open(testBatch);
        int total = Math.min(limit, testSet.size());
        models.promote(modelName.name(), versions[0]);

        Path state = Files.createTempDirectory("fovea-demo-state-");
        try (LocalKafkaBroker broker = LocalKafkaBroker.startTemporary()) {
            String bootstrap = broker.bootstrapServers();
            StreamConfig config = StreamConfig.of(Map.of(
                    StreamOptions.BOOTSTRAP_SERVERS.key(),
                    bootstrap,
                    StreamOptions.STATE_DIR.key(),
                    state.toString(),
                    StreamOptions.HTTP_PORT.key(),
                    "0"));
            StreamApp app =
                    new StreamApp(config, config.backends().open(models, modelName.name(), versions[0])).start();
            try (app;
                    ReleasePublisher releases = new ReleasePublisher(KafkaConnection.to(bootstrap));
                    DemoMonitor monitor = new DemoMonitor(bootstrap, Topics.PREDICTIONS, Topics.DEAD_LETTERS)) {
                app.followReleases(models, modelName.name());
                app.awaitRunning(Duration.ofSeconds(60));
                out.printf(
                        "Kafka at %s; serving %s@%d; metrics at http://127.0.0.1:%d/metrics%n",
                        bootstrap, modelName.name(), versions[0], app.httpPort());
                out.printf(
                        "Streaming %,d CIFAR-10 test images; %s@%d is promoted halfway.%n",
                        total, modelName.name(), versions[1]);
                out.flush();
                // The second half goes out once the promotion has been served or refused: with the
                // whole set sent at once, a backlog on both cores would leave the new version (loaded
                // at the lowest CPU priority) nothing to classify.
                CountDownLatch swapDone = new CountDownLatch(1);
                Thread producer = produceInTwoHalves(bootstrap, testSet, total, swapDone);
                producer.start();
                watchAndPromoteHalfway(monitor, app, models, releases, versions, total, swapDone, out);
                swapDone.countDown();
                join(producer);
                out.println();
                Timer swaps = swapTimer(app);
                double swapSeconds = swaps == null ? Double.NaN : swaps.mean(TimeUnit.SECONDS);
                new DemoSummary(
                                total,
                                monitor,
                                swapSeconds,
                                rate,
                                modelName.name() + "@" + versions[0],
                                modelName.name() + "@" + versions[1])
                        .print(out);
                return monitor.seen() == total ? 0 : 1;
            }
        }
    }

    /**
     * Sends the test set; the second half goes out once the promotion has been served or refused
     * ({@code swapDone}): with the whole set sent at once, a backlog on both cores would leave the
     * new version (loaded at the lowest CPU priority) nothing to classify.
     */
    private Thread produceInTwoHalves(String bootstrap, Dataset testSet, int total, CountDownLatch swapDone) {
        int half = total / 2;
        return new Thread(
                () -> {
                    try (ImageEventProducer images =
                            new ImageEventProducer(KafkaConnection.to(bootstrap), Topics.IMAGES)) {
                        images.produce(testSet, total, rate, "demo", sent -> {
                            if (sent == half) {
                                awaitQuietly(swapDone, Duration.ofMinutes(2));
                            }
                        });
                    }
                },
                "demo-producer");
    }

    /** Shows the live status until every image is classified, promoting the second version halfway. */
    private void watchAndPromoteHalfway(
            DemoMonitor monitor,
            StreamApp app,
            DirectoryModelStore models,
            ReleasePublisher releases,
            int[] versions,
            int total,
            CountDownLatch swapDone,
            PrintWriter out) {
        long promotedAt = 0;
        long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
        while (monitor.seen() < total && System.nanoTime() < deadline) {
            monitor.poll(
                    Duration.ofMillis(200),
                    modelName.name() + "@" + app.model().get().version(),
                    out);
            if (promotedAt != 0 && swapDone.getCount() > 0 && swapOutcomes(app) > 0) {
                swapDone.countDown();
            }
            if (promotedAt == 0 && monitor.seen() >= total / 2) {
                models.promote(modelName.name(), versions[1]);
                releases.send(ReleasePublisher.of(
                        models.manifest(modelName.name(), versions[1]),
                        models.uri(modelName.name(), versions[1]),
                        ReleaseAction.PROMOTED,
                        versions[0]));
                promotedAt = System.currentTimeMillis();
            }
        }
    }

    /** Swaps done or refused so far. */
    private static double swapOutcomes(StreamApp app) {
        Timer timer = swapTimer(app);
        return timer == null ? 0 : timer.count();
    }

    /** {@code fovea_model_swap_seconds}: one sample per swap done or refused; null before the first. */
    private static Timer swapTimer(StreamApp app) {
        return app.metrics().registry().find("fovea.model.swap").timer();
    }

    private static void awaitQuietly(CountDownLatch latch, Duration timeout) {
        try {
            latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The official archive; {@code fovea.cifar.url} and {@code fovea.cifar.md5} point elsewhere (a mirror, a test). */
    private static CifarDownload download() {
        String url = System.getProperty("fovea.cifar.url");
        return url == null
                ? CifarDownload.official()
                : new CifarDownload(URI.create(url), System.getProperty("fovea.cifar.md5", CifarDownload.MD5));
    }
}
