package io.fovea.stream.model;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The submissions waiting for the model, and how they become forward passes: each pass takes up
 * to {@code maxBatchSize} images from the front, across submissions, one role (primary or shadow)
 * per pass. Passes are formed one at a time, in queue order, by whichever inference thread is free;
 * a swap goes into service only when no pass is running and no submission is half done, so a
 * version is never closed under a pass and a submission never spans two versions.
 */
final class PassQueue {
    /** A pass formed from the queue: its slices, its size, and the version that runs it. */
    record Pass(List<Submission.Slice> slices, int size, ModelRunner runner, Lineup.Role role) {}

    private final ModelSlot model;
    private final PendingSwap pendingSwap;
    private final int maxBatchSize;
    /** Inference threads that take passes from this queue. */
    private final int threads;
    /** Fewest waiting images shared between two passes; below 2, never. */
    private final int splitMin;
    /** Nanoseconds, as {@link System#nanoTime}; a test's own clock. */
    private final LongSupplier clock;

    private final BlockingQueue<Submission> queue = new LinkedBlockingQueue<>();
    /** Held while a thread forms its next pass. */
    private final ReentrantLock forming = new ReentrantLock();
    /** Passes running now, with when each was formed; a swap waits for none. Guarded by itself. */
    private final List<Running> running = new ArrayList<>();
    /** Recent passes' time and images, each decayed by a tenth a pass: the model's time per image. Under {@link #running}. */
    private double recentNanos;

    private double recentImages;
    /** A submission only partly placed in the last pass: its other images open the next one. Written under {@link #forming}. */
    private volatile Submission carried;
    /** Since when the queue has held a submission without a break ({@link System#nanoTime}). */
    private volatile long waitingSinceNanos;
    /** Images queued or carried, not yet placed in a pass. Changed and waited for under {@link #room}. */
    private int waitingImages;

    private final Object room = new Object();

    private record Running(Pass pass, long formedNanos) {}

    PassQueue(ModelSlot model, PendingSwap pendingSwap, int maxBatchSize, int threads, int splitMin) {
        this(model, pendingSwap, maxBatchSize, threads, splitMin, System::nanoTime);
    }

    /** @param clock nanoseconds, as {@link System#nanoTime} */
    PassQueue(
            ModelSlot model, PendingSwap pendingSwap, int maxBatchSize, int threads, int splitMin, LongSupplier clock) {
        this.clock = clock;
        this.model = model;
        this.pendingSwap = pendingSwap;
        this.maxBatchSize = maxBatchSize;
        this.threads = threads;
        this.splitMin = splitMin;
    }

    void add(Submission submission) {
        if (queue.isEmpty()) {
            waitingSinceNanos = System.nanoTime();
        }
        waiting(submission.unplaced());
        queue.add(submission);
    }

    /**
     * Waits, at most {@code timeoutNanos}, while {@code images} or more images wait for a pass.
     *
     * @return true when it had to wait at all
     */
    boolean awaitFewerWaitingThan(int images, long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        synchronized (room) {
            boolean waited = false;
            for (long left = timeoutNanos; waitingImages >= images && left > 0; left = deadline - System.nanoTime()) {
                waited = true;
                TimeUnit.NANOSECONDS.timedWait(room, left);
            }
            return waited;
        }
    }

    /** Counts images that start or stop waiting for a pass, and wakes whoever waits for room. */
    private void waiting(int change) {
        synchronized (room) {
            waitingImages += change;
            if (change < 0) {
                room.notifyAll();
            }
        }
    }

    /** True when no images wait for a pass: none queued, none carried over from the last one. */
    boolean nothingWaiting() {
        return queue.isEmpty() && carried == null;
    }

    /**
     * True when submissions have been waiting for a pass for at least {@code nanos} without a
     * moment with none: the model, not the input, sets the pace.
     */
    boolean backloggedFor(long nanos) {
        return !queue.isEmpty() && System.nanoTime() - waitingSinceNanos >= nanos;
    }

    /**
     * The next pass, counted as running until {@link #ended}, or null when the queue stayed empty
     * for 100 ms. Its version is chosen here, under the lock, so a swap (which waits for no pass
     * to be running) never closes a version a pass is about to use.
     */
    Pass next() throws InterruptedException {
        forming.lockInterruptibly();
        try {
            if (carried == null && pendingSwap.isWaiting()) {
                awaitNoPassRunning();
                pendingSwap.apply(); // never while a submission is half done: it keeps its version
            }
            // A swap is waiting for the half-done submission: finish it in a pass of its own.
            // Under steady load a filled pass would end mid-submission again, and the swap
            // could wait many passes for one that happens to end on a submission's edge.
            boolean alone = carried != null && pendingSwap.isWaiting();
            Submission first = carried != null ? carried : queue.poll(100, TimeUnit.MILLISECONDS);
            if (first == null) {
                return null;
            }
            carried = null;
            ModelRunner runner = model.lineup().runnerFor(first.role);
            int cap = alone ? maxBatchSize : capFor(first, runner);
            List<Submission.Slice> slices = new ArrayList<>();
            int size = 0;
            // A pass runs one version: it takes the submissions of the first one's role, in
            // order, and leaves the others queued for a pass of their own.
            Iterator<Submission> waiting = queue.iterator();
            for (Submission next = first;
                    next != null;
                    next = size < cap && !alone ? next(waiting, first.role) : null) {
                int count = Math.min(next.unplaced(), cap - size);
                slices.add(new Submission.Slice(next, next.placed, count));
                next.placed += count;
                size += count;
                if (next.unplaced() > 0) {
                    carried = next;
                }
            }
            waiting(-size);
            if (runner == null) {
                InferenceWorker.NoShadowException ended = new InferenceWorker.NoShadowException();
                slices.forEach(slice -> slice.submission().result.completeExceptionally(ended));
                dropCarried();
                return null;
            }
            Pass pass = new Pass(slices, size, runner, first.role);
            synchronized (running) {
                running.add(new Running(pass, clock.getAsLong()));
            }
            return pass;
        } finally {
            forming.unlock();
        }
    }

    /**
     * How many images this pass takes: a full batch, or, when no more than two full batches wait
     * and another thread is idle or soon free, a share of them that ends with the other thread's
     * pass on the rest. Each pass runs on its thread's share of the cores, in time about
     * proportional to its images, so two shares at once finish sooner than the whole on one, or
     * a full pass beside a small one. With an idle thread the shares are even; with one that is
     * still busy for r images' time, this pass takes (waiting + r) / 2. The rest is carried, and
     * the thread that frees first takes it. Under the lock; {@code runner} is the version that
     * will run it, null for none.
     */
    private int capFor(Submission first, ModelRunner runner) {
        if (splitMin < 2 || runner == null || !runner.concurrentPasses()) {
            return maxBatchSize; // its passes run one after the other: shares would only add one
        }
        int waiting = first.unplaced();
        Iterator<Submission> queued = queue.iterator();
        while (waiting <= 2 * maxBatchSize && queued.hasNext()) {
            Submission next = queued.next();
            waiting += next.role == first.role ? next.unplaced() : 0;
        }
        if (waiting < splitMin || waiting > 2 * maxBatchSize) {
            return maxBatchSize; // beyond two full batches, full passes: each thread has a full one
        }
        double busyFor = otherThreadBusyFor();
        if (busyFor >= waiting) {
            return maxBatchSize; // the other thread would start on the rest after this pass ended
        }
        return (int) Math.min(maxBatchSize, Math.ceil((waiting + busyFor) / 2));
    }

    /**
     * How long, in images' worth of the model's recent time per image, until another thread than
     * the one forming this pass is free: 0 when one has no pass; infinite when there is no other
     * thread, or no pass has ended yet to tell the time per image.
     */
    private double otherThreadBusyFor() {
        synchronized (running) {
            if (threads - running.size() - 1 >= 1) {
                return 0;
            }
            if (running.isEmpty() || recentImages == 0) {
                return Double.POSITIVE_INFINITY;
            }
            double nanosPerImage = recentNanos / recentImages;
            long now = clock.getAsLong();
            double soonest = Double.POSITIVE_INFINITY;
            for (Running pass : running) {
                double left = pass.pass().size() - (now - pass.formedNanos()) / nanosPerImage;
                soonest = Math.min(soonest, Math.max(0, left));
            }
            return soonest;
        }
    }

    /**
     * A pass {@link #next} gave has ended; when it threw, every submission in it fails, and one
     * half placed is not carried on: it has failed whole. The pass stops counting as running
     * first, without the lock: a thread holding the lock may be waiting for no pass to run.
     */
    void ended(Pass pass, Throwable failure) {
        long now = clock.getAsLong();
        synchronized (running) {
            for (Iterator<Running> i = running.iterator(); i.hasNext(); ) {
                Running r = i.next();
                if (r.pass() == pass) {
                    i.remove();
                    if (failure == null) {
                        recentNanos = recentNanos * 0.9 + (now - r.formedNanos());
                        recentImages = recentImages * 0.9 + pass.size();
                    }
                    break;
                }
            }
            running.notifyAll();
        }
        if (failure == null) {
            return;
        }
        pass.slices().forEach(slice -> slice.submission().result.completeExceptionally(failure));
        forming.lock();
        try {
            if (carried != null && pass.slices().stream().anyMatch(s -> s.submission() == carried)) {
                dropCarried();
            }
        } finally {
            forming.unlock();
        }
    }

    /** The carried submission has failed whole: its unplaced images no longer wait. Under {@link #forming}. */
    private void dropCarried() {
        if (carried != null) {
            waiting(-carried.unplaced());
            carried = null;
        }
    }

    /** Fails every submission still waiting: the inference threads have stopped. */
    void failAll(RuntimeException cause) {
        forming.lock();
        try {
            if (carried != null) {
                carried.result.completeExceptionally(cause);
                dropCarried();
            }
            for (Submission left; (left = queue.poll()) != null; ) {
                waiting(-left.unplaced());
                left.result.completeExceptionally(cause);
            }
        } finally {
            forming.unlock();
        }
    }

    private void awaitNoPassRunning() throws InterruptedException {
        synchronized (running) {
            while (!running.isEmpty()) {
                running.wait();
            }
        }
    }

    /** The next queued submission for {@code role}, taken out of the queue; null when there is none. */
    private static Submission next(Iterator<Submission> waiting, Lineup.Role role) {
        while (waiting.hasNext()) {
            Submission submission = waiting.next();
            if (submission.role == role) {
                waiting.remove();
                return submission;
            }
        }
        return null;
    }
}
