package io.fovea.stream.model;

import io.fovea.core.release.Rollout;
import io.fovea.core.runtime.BackgroundPriority;
import io.fovea.stream.metrics.StreamMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the versions a {@link Rollout} names into service without stopping the stream: on its
 * own thread it loads each version not yet resident (SHA-256, then the model, with the backend
 * that runs it) and probes it ({@link ProbeBatch}, which also warms it up), then hands the whole
 * {@link Lineup} to the inference thread, which switches between two forward passes (see {@link
 * InferenceWorker#swap}). A version already resident is reused, so promoting a canary costs no
 * load. A version that fails any check is refused: its role keeps what filled it (the primary
 * keeps serving, a trial does not start), and the refusal is logged and counted.
 *
 * <p>The loader thread runs at a lower CPU priority ({@link BackgroundPriority}, {@code
 * model.load.nice}): the forward passes use every core, and a load at their priority takes a
 * pass's share of the CPU from them; at the lowest it only uses time the passes leave idle, which
 * under a backlog makes a large version's load take minutes.
 */
public final class ModelSwapper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelSwapper.class);

    /** What became of a request: the primary it asked for, whether anything changed, why not. */
    public record Outcome(int version, boolean swapped, String reason, double seconds) {}

    /** Loads and checks a version (the configured backends open it); the caller owns what it returns. */
    @FunctionalInterface
    public interface Loader {
        ModelRunner open(String model, int version);
    }

    private final Loader loaderOfVersions;
    private final InferenceWorker worker;
    private final ModelSlot slot;
    private final StreamMetrics metrics;
    /** The newest state asked for; a request overtaken by a newer one does nothing. */
    private final AtomicReference<Rollout> desired = new AtomicReference<>();

    private final ExecutorService loader;

    /** @param loadNice the loader thread's nice value, 0 to 19 */
    public ModelSwapper(Loader versions, InferenceWorker worker, ModelSlot slot, StreamMetrics metrics, int loadNice) {
        this.loader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(
                    () -> {
                        BackgroundPriority.lowerCurrentThread(loadNice); // less of the CPU than the passes
                        r.run();
                    },
                    "fovea-model-loader");
            t.setDaemon(true);
            return t;
        });
        this.loaderOfVersions = versions;
        this.worker = worker;
        this.slot = slot;
        this.metrics = metrics;
    }

    /** Loads, checks and switches to what {@code target} names for {@code model}, in the background. */
    public CompletableFuture<Outcome> request(String model, Rollout target) {
        desired.set(target);
        return CompletableFuture.supplyAsync(() -> swap(model, target), loader);
    }

    private Outcome swap(String model, Rollout target) {
        long start = System.nanoTime();
        Lineup now = slot.lineup();
        int primaryVersion = target.primary() == null ? now.primary().version() : target.primary();
        if (desired.get() != target) {
            return new Outcome(primaryVersion, false, "overtaken by a newer release", 0);
        }
        List<ModelRunner> loaded = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        ModelRunner primary = runner(model, primaryVersion, now, loaded, refused);
        ModelRunner serving = primary == null ? now.primary() : primary;
        // a trial of the version that serves everyone anyway is no trial
        Lineup next = new Lineup(
                serving,
                trial(model, without(target.canary(), serving), now, loaded, refused),
                trial(model, without(target.shadow(), serving), now, loaded, refused));
        if (sameRunners(now, next)) {
            return new Outcome(primaryVersion, false, refused.isEmpty() ? "already serving" : refused.get(0), 0);
        }
        try {
            awaitSwap(next);
        } catch (RuntimeException e) {
            // the worker closed what it was handed and did not serve
            metrics.modelSwap(false, (System.nanoTime() - start) / 1e9);
            LOG.warn("Did not switch to {}: {}; {} keeps serving", next.describe(), e.getMessage(), now.describe());
            return new Outcome(primaryVersion, false, e.getMessage(), 0);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        metrics.modelSwap(true, seconds);
        LOG.info(
                "Now serving {} (was {}); load and check took {} s",
                next.describe(),
                now.describe(),
                String.format("%.2f", seconds));
        return new Outcome(
                next.primary().version(), true, refused.isEmpty() ? null : String.join("; ", refused), seconds);
    }

    private static Rollout.Trial without(Rollout.Trial trial, ModelRunner serving) {
        return trial != null && trial.version() == serving.version() ? null : trial;
    }

    /** The trial's lineup entry: its version reused or loaded; null when none runs or its version was refused. */
    private Lineup.Trial trial(
            String model, Rollout.Trial trial, Lineup now, List<ModelRunner> loaded, List<String> refused) {
        if (trial == null) {
            return null;
        }
        ModelRunner runner = runner(model, trial.version(), now, loaded, refused);
        return runner == null ? null : new Lineup.Trial(runner, trial.share(), trial.autoRollback(), trial.keys());
    }

    /** The runner of a version: the resident one, one loaded for this lineup, or a fresh load; null if refused. */
    private ModelRunner runner(String model, int version, Lineup now, List<ModelRunner> loaded, List<String> refused) {
        ModelRunner resident = now.find(model, version);
        if (resident != null) {
            return resident;
        }
        for (ModelRunner runner : loaded) {
            if (runner.version() == version) {
                return runner;
            }
        }
        long start = System.nanoTime();
        try {
            ModelRunner runner = loaderOfVersions.open(model, version);
            loaded.add(runner);
            return runner;
        } catch (RuntimeException | Error e) {
            // An Error too (say OutOfMemoryError for a version too large to load): it would
            // otherwise end this request with no log line and no count.
            String reason = e instanceof Error ? e.toString() : e.getMessage();
            metrics.modelSwap(false, (System.nanoTime() - start) / 1e9);
            LOG.warn("Refused {}@{}: {}; {} keeps serving", model, version, reason, now.describe());
            refused.add(reason);
            return null;
        }
    }

    private static boolean sameRunners(Lineup a, Lineup b) {
        return a.primary() == b.primary() && same(a.canary(), b.canary()) && same(a.shadow(), b.shadow());
    }

    private static boolean same(Lineup.Trial a, Lineup.Trial b) {
        return a == null
                ? b == null
                : b != null
                        && a.runner() == b.runner()
                        && a.share() == b.share()
                        && a.keys().equals(b.keys())
                        && java.util.Objects.equals(a.autoRollback(), b.autoRollback());
    }

    /** The inference thread switches between two passes; what it was handed is its to close. */
    private void awaitSwap(Lineup next) {
        try {
            worker.swap(next).join();
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
