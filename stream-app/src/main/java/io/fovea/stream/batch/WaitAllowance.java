package io.fovea.stream.batch;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How long a stream thread may still wait for the model. Under exactly-once its waits fall inside
 * the transaction it has open, and the broker aborts a transaction open longer than the producer's
 * {@code transaction.timeout.ms}: the producer is fenced and the thread's tasks start again from
 * their last commit. With a slow model two batches queued ahead are enough (one pass of 32 images
 * of a 224×224 VGG16 takes about 6 s on one core). So a thread waits at most until half that
 * timeout after its last commit; past it, a batch that would have to wait stays pending and the
 * thread asks for a commit, after which it may wait again.
 *
 * <p>Commits are read off the thread's own {@code commit-total} metric at each of its turns. Kept
 * per stream thread, as its transaction is.
 */
public final class WaitAllowance {
    private static final Logger LOG = LoggerFactory.getLogger(WaitAllowance.class);
    /** No limit: at least once, where no transaction is open. */
    public static final WaitAllowance UNLIMITED = new WaitAllowance(null);

    static final String THREAD_METRICS = "stream-thread-metrics";
    static final String COMMITS = "commit-total";

    private final Duration limit;
    private final ThreadLocal<Turns> perThread = ThreadLocal.withInitial(Turns::new);

    private WaitAllowance(Duration limit) {
        this.limit = limit;
    }

    /** Waits of a thread end by half of {@code transactionTimeout} after its last commit. */
    public static WaitAllowance within(Duration transactionTimeout) {
        return new WaitAllowance(transactionTimeout.dividedBy(2));
    }

    /** How long after a commit the thread may still wait; empty without a limit. */
    public Optional<Duration> limit() {
        return Optional.ofNullable(limit);
    }

    /** A turn of the stream thread (a record or a punctuation): looks whether it committed since its last turn. */
    void turn(ProcessorContext<?, ?> context) {
        if (limit != null) {
            Turns turns = perThread.get();
            turn(turns.commits(context), System.nanoTime());
        }
    }

    /**
     * The same, with the thread's commit count given ({@code -1} when it cannot be read): a new
     * count starts the allowance again from now, since the commit came after the last turn.
     */
    void turn(long commits, long nowNanos) {
        Turns turns = perThread.get();
        if (!turns.started || commits != turns.commits) {
            turns.started = true;
            turns.commits = commits;
            turns.sinceNanos = nowNanos;
        }
    }

    /** The {@link System#nanoTime()} until which this thread may wait; {@link Long#MAX_VALUE} without a limit. */
    long deadlineNanos() {
        Turns turns = perThread.get();
        if (limit == null || !turns.started || turns.commits < 0) {
            return Long.MAX_VALUE; // a thread whose commits cannot be read waits as before
        }
        return turns.sinceNanos + limit.toNanos();
    }

    /** Nanoseconds until {@code deadlineNanos}: 0 once it has come, {@link Long#MAX_VALUE} without a limit. */
    static long nanosLeft(long deadlineNanos) {
        return deadlineNanos == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(0, deadlineNanos - System.nanoTime());
    }

    /** Whether {@code deadlineNanos} has come: the thread went on without waiting, or stopped a wait. */
    static boolean passed(long deadlineNanos) {
        return nanosLeft(deadlineNanos) == 0;
    }

    /** One stream thread's last turn: its commit count then, and since when it has held it. */
    private static final class Turns {
        private boolean started;
        private long commits;
        private long sinceNanos;
        private Metric metric;
        private boolean looked;

        /** The thread's commit-total; {@code -1} when Kafka Streams has no such metric for it. */
        long commits(ProcessorContext<?, ?> context) {
            if (!looked) {
                looked = true;
                metric =
                        find(context.metrics().metrics(), Thread.currentThread().getName());
                if (metric == null) {
                    LOG.warn(
                            "Kafka Streams has no {} metric for {}: its waits for the model are not bounded by the"
                                    + " transaction timeout",
                            COMMITS,
                            Thread.currentThread().getName());
                }
            }
            return metric == null ? -1 : ((Number) metric.metricValue()).longValue();
        }

        private static Metric find(Map<MetricName, ? extends Metric> metrics, String thread) {
            for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
                MetricName name = e.getKey();
                if (name.group().equals(THREAD_METRICS)
                        && name.name().equals(COMMITS)
                        && thread.equals(name.tags().get("thread-id"))) {
                    return e.getValue();
                }
            }
            return null;
        }
    }
}
