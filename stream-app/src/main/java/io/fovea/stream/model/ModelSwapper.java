package io.fovea.stream.model;

import io.fovea.core.runtime.BackgroundPriority;
import io.fovea.stream.metrics.StreamMetrics;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a new model version into service without stopping the stream: on its own thread it
 * loads the bundle (SHA-256, then the model, with the backend that runs it) and probes it ({@link
 * ProbeBatch}, which also warms it up), then hands it to the inference thread,
 * which switches between two forward passes (see {@link InferenceWorker#swap}). A version that
 * fails any check is refused: the current one keeps serving, and the refusal is logged and
 * counted.
 *
 * <p>The loader thread runs at the lowest CPU priority ({@link BackgroundPriority}): the forward
 * passes use every core, and a load at normal priority takes its CPU from them and pauses the
 * output; at the lowest a swap takes longer, but only uses time the passes leave idle.
 */
public final class ModelSwapper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelSwapper.class);

    /** What became of a request. */
    public record Outcome(int version, boolean swapped, String reason, double seconds) {}

    /** Loads and checks a version (e.g. {@link ModelRunners#open}); the caller owns what it returns. */
    @FunctionalInterface
    public interface Loader {
        ModelRunner open(String model, int version);
    }

    private final Loader loaderOfVersions;
    private final InferenceWorker worker;
    private final Supplier<ModelRunner> current;
    private final StreamMetrics metrics;
    /** The newest version asked for; a request overtaken by a newer one does nothing. */
    private final AtomicInteger desired = new AtomicInteger(-1);

    private final ExecutorService loader = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(
                () -> {
                    BackgroundPriority.lowerCurrentThread(); // load on CPU time the forward passes leave idle
                    r.run();
                },
                "fovea-model-loader");
        t.setDaemon(true);
        return t;
    });

    public ModelSwapper(Loader versions, InferenceWorker worker, Supplier<ModelRunner> current, StreamMetrics metrics) {
        this.loaderOfVersions = versions;
        this.worker = worker;
        this.current = current;
        this.metrics = metrics;
    }

    /** Loads, checks and switches to {@code model@version} in the background. */
    public CompletableFuture<Outcome> request(String model, int version) {
        desired.set(version);
        return CompletableFuture.supplyAsync(() -> swap(model, version), loader);
    }

    private Outcome swap(String model, int version) {
        long start = System.nanoTime();
        if (desired.get() != version) {
            return new Outcome(version, false, "overtaken by version " + desired.get(), 0);
        }
        try {
            ModelRunner serving = current.get();
            if (serving.name().equals(model) && serving.version() == version) {
                return new Outcome(version, false, "already serving", 0);
            }
            InferenceWorker.Switched switched = awaitSwap(loaderOfVersions.open(model, version));
            ModelRunner replaced = switched.replaced();
            double seconds = (switched.atNanos() - start) / 1e9;
            metrics.modelSwap(true, seconds);
            LOG.info(
                    "Now serving {}@{} (was {}@{}); load and check took {} s",
                    model,
                    version,
                    replaced.name(),
                    replaced.version(),
                    String.format("%.2f", seconds));
            return new Outcome(version, true, null, seconds);
        } catch (RuntimeException | Error e) {
            // An Error too (say OutOfMemoryError for a version too large to load): it would
            // otherwise end this request with no log line and no count, while the current version
            // keeps serving as it does after any refusal.
            double seconds = (System.nanoTime() - start) / 1e9;
            String reason = e instanceof Error ? e.toString() : e.getMessage();
            metrics.modelSwap(false, seconds);
            LOG.warn(
                    "Refused {}@{}: {}; {}@{} keeps serving",
                    model,
                    version,
                    reason,
                    current.get().name(),
                    current.get().version());
            return new Outcome(version, false, reason, seconds);
        }
    }

    /** The inference thread switches between two passes; a candidate it was handed is its to close. */
    private InferenceWorker.Switched awaitSwap(ModelRunner candidate) {
        try {
            return worker.swap(candidate).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        } catch (CancellationException e) {
            throw new IllegalStateException("a newer release replaced it before it served");
        }
    }

    @Override
    public void close() {
        loader.shutdownNow();
    }
}
