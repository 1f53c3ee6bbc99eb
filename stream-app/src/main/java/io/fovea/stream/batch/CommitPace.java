package io.fovea.stream.batch;

import io.fovea.stream.metrics.StreamMetrics;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * When a stream thread asks Kafka Streams for a commit ahead of Kafka Streams' own interval.
 * Kafka Streams commits at the backlog pace ({@code commit.interval.backlog.ms}); each
 * {@code commit.interval.ms}, a thread that has forwarded anything since its last commit asks for
 * one, unless the input was ahead of the model in that time: the thread had to wait for the model
 * before it could close a batch (a task had four full batches' worth of images in flight), or
 * images waited for a pass all that time without a break. Each commit is a transaction whose cost on
 * the broker hardly depends on its size, so under a backlog fewer of them leave the cores to the
 * model, while a prediction that has queued behind a backlog gains little from being visible a
 * few hundred milliseconds sooner. Without a backlog, predictions are visible as soon as with
 * Kafka Streams committing every {@code commit.interval.ms}.
 *
 * <p>Kept per stream thread: a thread commits all its tasks in one transaction, so one ask an
 * interval serves them all, and threads wait and commit independently.
 */
public final class CommitPace {
    /** Never asks: Kafka Streams commits at its own interval. */
    public static final CommitPace STREAMS_OWN = new CommitPace(null, period -> false, null);

    private final Duration interval;
    private final Predicate<Duration> modelBackloggedFor;
    private final StreamMetrics metrics;
    private final ThreadLocal<ThreadState> perThread = ThreadLocal.withInitial(ThreadState::new);

    /**
     * @param interval how often to ask, {@code commit.interval.ms}; null never to ask
     * @param modelBackloggedFor whether images have waited for a pass for a whole period
     * @param metrics counts each look with output to commit, asked or left to the backlog pace
     */
    public CommitPace(Duration interval, Predicate<Duration> modelBackloggedFor, StreamMetrics metrics) {
        this.interval = interval;
        this.modelBackloggedFor = modelBackloggedFor;
        this.metrics = metrics;
    }

    /** How often a task should look whether to ask; empty when this pace never asks. */
    public Optional<Duration> lookEvery() {
        return Optional.ofNullable(interval).map(i -> Duration.ofMillis(Math.max(1, i.toMillis() / 2)));
    }

    /** Something was forwarded on this thread: it becomes visible downstream at the next commit. */
    public void forwarded() {
        if (interval != null) {
            perThread.get().forwarded = true;
        }
    }

    /** This thread waited for a batch still in the model before it could close another: a backlog. */
    public void waitedForModel() {
        if (interval != null) {
            perThread.get().waited = true;
        }
    }

    /**
     * Whether this thread should ask for a commit now; at most once an interval, only for output
     * not yet asked for, and not when the input was ahead of the model since it last looked.
     */
    public boolean askNow(long nowMillis) {
        if (interval == null) {
            return false;
        }
        ThreadState thread = perThread.get();
        if (nowMillis - thread.lastLookMillis < interval.toMillis()) {
            return false;
        }
        thread.lastLookMillis = nowMillis;
        boolean waited = thread.waited;
        thread.waited = false;
        if (!thread.forwarded) {
            return false;
        }
        boolean backlogged = waited || modelBackloggedFor.test(interval);
        metrics.commitLook(!backlogged);
        // a backlog's output stays marked: Kafka Streams' own commit takes it, or an ask after the backlog
        thread.forwarded = backlogged;
        return !backlogged;
    }

    /** One stream thread's state. */
    private static final class ThreadState {
        private long lastLookMillis = Long.MIN_VALUE / 2;
        private boolean forwarded;
        private boolean waited;
    }
}
