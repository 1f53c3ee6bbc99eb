package io.fovea.stream;

import io.fovea.core.cli.CommandErrors;
import io.fovea.core.cli.KafkaOption;
import io.fovea.core.cli.SecretSettings;
import io.fovea.core.cli.StoreOption;
import io.fovea.core.runtime.NativeBackend;
import io.fovea.core.store.ModelRef;
import io.fovea.core.store.ModelStore;
import io.fovea.core.store.location.ModelStores;
import io.fovea.schemas.kafka.KafkaConnection;
import io.fovea.stream.config.KafkaSettings;
import io.fovea.stream.config.ModelOptions;
import io.fovea.stream.config.StreamConfig;
import io.fovea.stream.config.StreamOptions;
import io.fovea.stream.model.backend.Backends;
import io.fovea.stream.model.backend.OnnxRuntimeBackend;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Runs the stream app: classifies ImageEvents into Predictions, exactly once.",
            "Settings come from defaults, then --config FILE, then FOVEA_* environment variables, then"
                    + " flags; every setting is in docs/operations.md. SIGTERM drains and stops.",
            "Exits 1 if Kafka Streams fails for good (the log says why and what to do)."
        })
public final class ServeCommand implements Callable<Integer> {
    @Mixin
    KafkaOption kafka;

    @Mixin
    StoreOption store;

    @Option(
            names = "--model",
            paramLabel = "NAME[@VERSION]",
            defaultValue = "cifar10",
            description =
                    "Model to serve; NAME serves its promoted version (its newest if none was promoted), NAME@VERSION pins one (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--config", paramLabel = "FILE", description = "A properties file of settings.")
    Path config;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description =
                    "Any setting but a secret, e.g. --set max.batch.size=64 (repeatable); secrets go in --command-config.")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(
            names = "--backend",
            paramLabel = "dl4j|onnxruntime",
            description = "Which backend runs a version that holds both models (model.backend).")
    String backend;

    @Option(names = "--http-port", paramLabel = "PORT", description = "Port of /metrics, /health, /ready (http.port).")
    Integer httpPort;

    @Spec
    CommandSpec spec;

    private volatile boolean failedForGood;

    /** {@code serve} in a JVM of its own, without the launcher: for the benchmark and tests that kill it. */
    public static void main(String[] args) {
        NativeBackend.configure(); // before any ND4J class loads
        System.exit(CommandErrors.install(new CommandLine(new ServeCommand())).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        SecretSettings.refuseOnCommandLine(settings);
        StreamConfig streamConfig = StreamConfig.load(config, System.getenv(), overrides());
        ModelStore models = ModelStores.open(store.location(), streamConfig.storeSettings(), streamConfig::connection);
        ModelRef ref = ModelRef.parse(model);
        int version = resolve(models, ref);
        models.keep(ref.name(), List.of(version));
        Backends backends = streamConfig.backends();
        String runsOn =
                backends.backendFor(models.manifest(ref.name(), version)).name();
        // before the first version loads: its blocks are then mapped on their own
        String heap = MallocSetting.apply(MallocSetting.chosen(
                streamConfig.get(ModelOptions.MALLOC_MMAP_THRESHOLD),
                runsOn.equals(OnnxRuntimeBackend.NAME),
                System.getenv()));
        CountDownLatch stopped = new CountDownLatch(1);
        StreamApp app = new StreamApp(streamConfig, backends.open(models, ref.name(), version));
        StopSignals.install(() -> {
            app.close();
            models.close();
            stopped.countDown();
        });
        if (!ref.pinned()) {
            app.followReleases(models, ref.name()); // before the first record: a restart serves the same lineup
        }
        app.start();
        printStarted(
                streamConfig,
                app,
                ref.pinned(),
                ref.name() + "@" + version,
                models.uri(ref.name(), version),
                runsOn + "; " + heap);
        watchForFailure(app, stopped);
        stopped.await();
        // Nothing in this process can bring a failed Kafka Streams back: exit, so that whatever
        // runs serve (Kubernetes, systemd, a shell loop) restarts it.
        if (failedForGood && app.failure() != null) {
            spec.commandLine().getErr().println("fovea serve: " + app.failure());
        }
        return failedForGood ? 1 : StopSignals.exitStatus(0);
    }

    /** The settings given on the command line, above the file and the environment. */
    private Map<String, String> overrides() {
        Map<String, String> overrides = new LinkedHashMap<>();
        if (kafka.commandConfig() != null) {
            // The Kafka tools' client file: each of its settings as the kafka.* setting it is, but
            // the store's (store.*), which it may hold for every command alike.
            Map<String, String> client = new LinkedHashMap<>(KafkaConnection.readProperties(kafka.commandConfig()));
            client.keySet().removeIf(key -> {
                if (key.startsWith(ModelStores.PREFIX)) {
                    overrides.put(key, client.get(key));
                    return true;
                }
                return false;
            });
            overrides.putAll(KafkaSettings.fromClient(client));
        }
        overrides.putAll(settings);
        if (kafka.bootstrapOrNull() != null) {
            overrides.put(StreamOptions.BOOTSTRAP_SERVERS.key(), kafka.bootstrapOrNull());
        }
        if (backend != null) {
            overrides.put(ModelOptions.MODEL_BACKEND.key(), backend);
        }
        if (httpPort != null) {
            overrides.put(StreamOptions.HTTP_PORT.key(), Integer.toString(httpPort));
        }
        return overrides;
    }

    /** What serves, from where, on which topics, and what it follows. */
    private void printStarted(
            StreamConfig streamConfig, StreamApp app, boolean pinned, String served, URI bundle, String runsOn) {
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                "Serving %s (%s) from %s: %s -> %s (dead letters: %s); %s%n",
                served,
                runsOn,
                bundle,
                streamConfig.get(StreamOptions.INPUT_TOPIC),
                streamConfig.get(StreamOptions.OUTPUT_TOPIC),
                streamConfig.get(StreamOptions.DLQ_TOPIC),
                app.httpUrl() == null ? "HTTP off" : app.httpUrl() + "/metrics");
        out.println("Kafka: " + streamConfig.connection());
        out.println("Size budget: " + app.sizeBudget().describe());
        out.println(
                pinned
                        ? "Pinned: promotions and rollbacks are ignored."
                        : "Following " + streamConfig.get(StreamOptions.RELEASES_TOPIC)
                                + " for promotions, rollbacks, canaries and shadows (shadow predictions: "
                                + streamConfig.get(StreamOptions.SHADOW_TOPIC) + "); now serving "
                                + app.model().lineup().describe() + ".");
        out.flush();
    }

    /** Releases {@code stopped} when Kafka Streams fails for good. */
    private void watchForFailure(StreamApp app, CountDownLatch stopped) {
        Thread watchdog = new Thread(
                () -> {
                    try {
                        app.awaitFailure();
                        failedForGood = true;
                        stopped.countDown();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "fovea-serve-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    /** The version {@code ref} names in {@code store}: see {@link ModelRef#in}. */
    static int resolve(ModelStore store, ModelRef ref) {
        return ref.in(store)
                .orElseThrow(() -> new IllegalArgumentException("no versions of model '" + ref.name() + "' in "
                        + store.describe() + "; train one with bin/fovea train --name " + ref.name() + " --store "
                        + store.describe()));
    }
}
