package io.fovea.stream.model;

import io.fovea.core.image.RgbImage;
import io.fovea.stream.metrics.StreamMetrics;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The one model of the process and the threads that run it. Stream threads submit their closed
 * batches; each forward pass takes up to {@code maxBatchSize} images from the front of the queue,
 * whatever the submissions' sizes: several partitions and threads share one pass, and a submission
 * that does not fit whole is finished by the next pass. So the model runs full batches whenever
 * enough images are waiting, even when partitions close small batches at their deadline.
 * With {@code passes} above one, that many passes run at once, each on its own thread (as a
 * serving system runs several instances of a model): one pass's thread preempted by Kafka's work
 * no longer holds up the other's, and small layers that one pass cannot spread over the cores
 * keep them busy anyway. Passes are formed one at a time, in queue order.
 * A submission is classified by one model version: a swap takes effect when no pass is running,
 * never while a submission is half done (a half-done one is then finished in a pass of its own, so the
 * swap waits one pass at most). Reports queue wait, batch size and inference time.
 */
public final class InferenceWorker implements AutoCloseable {
    private final ModelSlot model;
    private final PendingSwap pendingSwap;
    private final int maxBatchSize;
    private final StreamMetrics metrics;
    private final BlockingQueue<Submission> queue = new LinkedBlockingQueue<>();
    private final List<Thread> workers = new ArrayList<>();
    /** Held while a thread forms its next pass: passes are formed one at a time, in queue order. */
    private final ReentrantLock forming = new ReentrantLock();
    /** Passes running now; a swap waits for none. Guarded by itself. */
    private final int[] running = new int[1];

    private volatile boolean stopping;
    /** A submission only partly placed in the last pass: its other images open the next one. Under {@link #forming}. */
    private Submission carried;

    /** One pass at a time: see {@link #InferenceWorker(ModelSlot, int, int, StreamMetrics)}. */
    public InferenceWorker(ModelSlot model, int maxBatchSize, StreamMetrics metrics) {
        this(model, maxBatchSize, 1, metrics);
    }

    /**
     * @param model the version in service; only these threads change it, when no pass is running
     * @param passes forward passes that may run at once, each on a thread of its own
     */
    public InferenceWorker(ModelSlot model, int maxBatchSize, int passes, StreamMetrics metrics) {
        if (passes < 1) {
            throw new IllegalArgumentException("at least one pass at a time, got " + passes);
        }
        this.model = model;
        this.pendingSwap = new PendingSwap(model, metrics);
        this.maxBatchSize = maxBatchSize;
        this.metrics = metrics;
        for (int i = 0; i < passes; i++) {
            // one name for all: the kernel keeps 15 characters, and the CPU tables group by it
            Thread worker = new Thread(this::loop, passes == 1 ? "fovea-inference" : "fovea-inference-" + (i + 1));
            worker.setDaemon(true);
            workers.add(worker);
        }
        workers.forEach(Thread::start);
    }

    /** The versions in service now. */
    public Lineup lineup() {
        return model.lineup();
    }

    /** Queues the images for the primary's next forward passes; the future completes when all have run. */
    public CompletableFuture<BatchResult> submit(List<RgbImage> images) {
        return submit(images, Lineup.Role.PRIMARY);
    }

    /**
     * Queues the images for the version that fills {@code role} when their pass runs. A shadow
     * submission whose shadow has ended fails with {@link NoShadowException}.
     */
    public CompletableFuture<BatchResult> submit(List<RgbImage> images, Lineup.Role role) {
        Submission submission = new Submission(images, role);
        if (stopping) {
            submission.result.completeExceptionally(new IllegalStateException("the inference thread has stopped"));
        } else if (images.isEmpty()) {
            submission.result.completeExceptionally(new IllegalArgumentException("an empty batch"));
        } else {
            queue.add(submission);
        }
        return submission.result;
    }

    /** The result of a submission, waiting for it if need be. */
    public static BatchResult await(CompletableFuture<BatchResult> result) {
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for inference", e);
        } catch (ExecutionException e) {
            throw new InferenceException("inference failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** A lineup put into service: the one it replaced, and when ({@link System#nanoTime()}). */
    public record Switched(Lineup replaced, long atNanos) {}

    /** Puts {@code next} alone into service: see {@link #swap(Lineup)}. */
    public CompletableFuture<Switched> swap(ModelRunner next) {
        return swap(Lineup.of(next));
    }

    /**
     * Puts {@code next} into service between two forward passes and closes the versions it no
     * longer holds (no pass can be using them then). The switch itself costs no forward pass: the
     * caller has loaded and checked every new version already.
     */
    public CompletableFuture<Switched> swap(Lineup next) {
        return pendingSwap.offer(next);
    }

    /** A pass formed from the queue: its slices, its size, and the version that runs it. */
    private record Formed(List<Submission.Slice> slices, int size, ModelRunner runner, Lineup.Role role) {}

    private void loop() {
        while (!stopping) {
            Formed pass = null;
            try {
                pass = form();
                if (pass != null) {
                    run(pass);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopping = true;
            } catch (RuntimeException | Error e) {
                if (pass != null) {
                    pass.slices().forEach(slice -> slice.submission().result.completeExceptionally(e));
                    forgetCarried(pass);
                }
            } finally {
                if (pass != null) {
                    passEnded();
                }
            }
        }
        failWhatIsLeft();
    }

    /**
     * The next pass, counted as running, or null when the queue stayed empty. The version that runs
     * it is chosen here, under the lock, so a swap (which waits for no pass to be running) never
     * closes a version a pass is about to use.
     */
    private Formed form() throws InterruptedException {
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
            List<Submission.Slice> slices = new ArrayList<>();
            int size = 0;
            // A pass runs one version: it takes the submissions of the first one's role, in
            // order, and leaves the others queued for a pass of their own.
            Iterator<Submission> waiting = queue.iterator();
            for (Submission next = first;
                    next != null;
                    next = size < maxBatchSize && !alone ? next(waiting, first.role) : null) {
                int count = Math.min(next.unplaced(), maxBatchSize - size);
                slices.add(new Submission.Slice(next, next.placed, count));
                next.placed += count;
                size += count;
                if (next.unplaced() > 0) {
                    carried = next;
                }
            }
            ModelRunner runner = model.lineup().runnerFor(first.role);
            if (runner == null) {
                NoShadowException ended = new NoShadowException();
                slices.forEach(slice -> slice.submission().result.completeExceptionally(ended));
                carried = null;
                return null;
            }
            synchronized (running) {
                running[0]++;
            }
            return new Formed(slices, size, runner, first.role);
        } finally {
            forming.unlock();
        }
    }

    private void awaitNoPassRunning() throws InterruptedException {
        synchronized (running) {
            while (running[0] > 0) {
                running.wait();
            }
        }
    }

    private void passEnded() {
        synchronized (running) {
            running[0]--;
            running.notifyAll();
        }
    }

    /** A failed pass's submission that was half placed is not carried on: it has failed whole. */
    private void forgetCarried(Formed pass) {
        forming.lock();
        try {
            if (carried != null && pass.slices().stream().anyMatch(s -> s.submission() == carried)) {
                carried = null;
            }
        } finally {
            forming.unlock();
        }
    }

    private void failWhatIsLeft() {
        forming.lock();
        try {
            if (carried != null) {
                carried.result.completeExceptionally(new IllegalStateException("the inference thread stopped"));
                carried = null;
            }
            for (Submission left; (left = queue.poll()) != null; ) {
                left.result.completeExceptionally(new IllegalStateException("the inference thread stopped"));
            }
        } finally {
            forming.unlock();
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

    private void run(Formed pass) {
        ModelRunner runner = pass.runner();
        long start = System.nanoTime();
        List<RgbImage> images = new ArrayList<>(pass.size());
        for (Submission.Slice slice : pass.slices()) {
            images.addAll(slice.submission().images.subList(slice.from(), slice.from() + slice.count()));
        }
        INDArray probabilities = predict(runner, images);
        long inferenceNanos = System.nanoTime() - start;
        metrics.batch(pass.size(), inferenceNanos, pass.role() == Lineup.Role.SHADOW);
        Submission.Pass done = new Submission.Pass(probabilities, pass.size(), start, inferenceNanos, runner);
        int offset = 0;
        for (Submission.Slice slice : pass.slices()) {
            if (slice.submission().fill(slice, offset, done)) {
                metrics.modelWait(start - slice.submission().submittedNanos);
            }
            offset += slice.count();
        }
        probabilities.close();
    }

    /** A runner that is not safe for concurrent passes runs one at a time. */
    private static INDArray predict(ModelRunner runner, List<RgbImage> images) {
        if (runner.concurrentPasses()) {
            return runner.predict(images);
        }
        synchronized (runner) {
            return runner.predict(images);
        }
    }

    @Override
    public void close() {
        stopping = true;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try {
            for (Thread worker : workers) {
                worker.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A shadow submission whose shadow ended before its pass: it gets no shadow prediction. */
    public static final class NoShadowException extends RuntimeException {
        NoShadowException() {
            super("the shadow ended before this pass", null, false, false);
        }
    }

    /** A forward pass that threw: the batch's records are dead-lettered as INFERENCE_FAILED. */
    public static final class InferenceException extends RuntimeException {
        InferenceException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
