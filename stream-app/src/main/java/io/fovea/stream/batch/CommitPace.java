package io.fovea.stream.batch;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * When a stream thread asks Kafka Streams for a commit ahead of Kafka Streams' own interval.
 * Kafka Streams commits at the backlog pace ({@code commit.interval.backlog.ms}); each
 * {@code commit.interval.ms}, a thread that has forwarded anything since its last commit asks for
 * one, unless the model has had images waiting all that time. Each commit is a transaction whose
 * cost on the broker does not depend on its size, so under a backlog fewer of them leave the
 * cores to the model, while a prediction that has waited in the model's queue gains little from
 * being visible a few hundred milliseconds sooner. Without a backlog, predictions are visible as
 * soon as with Kafka Streams committing every {@code commit.interval.ms}.
 *
 * <p>Kept per stream thread: a thread commits all its tasks in one transaction, so one ask a
 * period serves them all, and threads commit independently.
 */
public final class CommitPace {
    /** Never asks: Kafka Streams commits at its own interval. */
    public static final CommitPace STREAMS_OWN = new CommitPace(null, period -> false);

    private final Duration interval;
    private final Predicate<Duration> backloggedFor;
    private final ThreadLocal<ThreadState> perThread = ThreadLocal.withInitial(ThreadState::new);

    /**
     * @param interval how often to ask, {@code commit.interval.ms}; null never to ask
     * @param backloggedFor whether the model has had images waiting for a whole period
     */
    public CommitPace(Duration interval, Predicate<Duration> backloggedFor) {
        this.interval = interval;
        this.backloggedFor = backloggedFor;
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

    /**
     * Whether this thread should ask for a commit now; at most once an interval, and only for
     * output not yet asked for.
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
        if (!thread.forwarded || backloggedFor.test(interval)) {
            return false; // a backlog's output stays marked: Kafka Streams' own commit takes it
        }
        thread.forwarded = false;
        return true;
    }

    /** One stream thread's state. */
    private static final class ThreadState {
        private long lastLookMillis = Long.MIN_VALUE / 2;
        private boolean forwarded;
    }
}
