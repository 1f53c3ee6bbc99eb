package io.fovea.stream.model;

import io.fovea.core.store.ModelStore;
import io.fovea.stream.batch.BatchAggregator;
import io.fovea.stream.metrics.StreamMetrics;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a new model version into service without stopping the stream: on its own thread it
 * loads the bundle (SHA-256, configuration, parameters), then hands it to the inference thread,
 * which probes it between two forward passes and switches (see {@link BatchAggregator#swap}). A
 * version that fails any check is refused: the current one keeps serving, and the refusal is
 * logged and counted.
 */
public final class ModelSwapper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelSwapper.class);

    /** What became of a request. */
    public record Outcome(int version, boolean swapped, String reason, double seconds) {
    }

    private final ModelStore store;
    private final BatchAggregator aggregator;
    private final Supplier<ModelRunner> current;
    private final StreamMetrics metrics;
    /** The newest version asked for; a request overtaken by a newer one does nothing. */
    private final java.util.concurrent.atomic.AtomicInteger desired = new java.util.concurrent.atomic.AtomicInteger(-1);
    private final ExecutorService loader = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fovea-model-loader");
        t.setDaemon(true);
        return t;
    });

    public ModelSwapper(ModelStore store, BatchAggregator aggregator, Supplier<ModelRunner> current,
                        StreamMetrics metrics) {
        this.store = store;
        this.aggregator = aggregator;
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
            ModelRunner replaced = awaitSwap(new Dl4jModelRunner(store.load(model, version)));
            double seconds = (System.nanoTime() - start) / 1e9;
            metrics.modelSwap(true, seconds);
            LOG.info("Now serving {}@{} (was {}@{}); load and check took {} s", model, version,
                    replaced.name(), replaced.version(), String.format("%.2f", seconds));
            return new Outcome(version, true, null, seconds);
        } catch (RuntimeException e) { // a candidate handed to the aggregator is closed there
            double seconds = (System.nanoTime() - start) / 1e9;
            metrics.modelSwap(false, seconds);
            LOG.warn("Refused {}@{}: {}; {}@{} keeps serving", model, version, e.getMessage(),
                    current.get().name(), current.get().version());
            return new Outcome(version, false, e.getMessage(), seconds);
        }
    }

    /** The inference thread probes and switches; if the probe fails it has closed the candidate. */
    private ModelRunner awaitSwap(Dl4jModelRunner candidate) {
        try {
            return aggregator.swap(candidate).join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        } catch (java.util.concurrent.CancellationException e) {
            throw new IllegalStateException("a newer release replaced it before it served");
        }
    }

    @Override
    public void close() {
        loader.shutdownNow();
    }
}
