package io.fovea.stream.model;

import io.fovea.core.image.RgbImage;
import io.fovea.stream.metrics.StreamMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The one model of the process and the threads that run it. Stream threads submit their closed
 * batches; each forward pass takes up to {@code maxBatchSize} images from the front of the queue,
 * whatever the submissions' sizes: several partitions and threads share one pass, and a submission
 * that does not fit whole is finished by the next pass. So the model runs full batches whenever
 * enough images are waiting, even when partitions close small batches at their deadline.
 * With {@code passes} above one, that many passes run at once, each on its own thread (as a
 * serving system runs several instances of a model): one pass's thread preempted by Kafka's work
 * no longer holds up the other's, and small layers that one pass cannot spread over the cores
 * keep them busy anyway. Passes are formed one at a time, in queue order. When no more images
 * than two full batches wait and another thread has no pass, or will be free before one pass
 * could take them all, they are shared between two passes that end together, which finish
 * sooner than one pass, or a full one beside a small one, on a thread's share of the cores.
 * A submission is classified by one model version: a swap takes effect when no pass is running,
 * never while a submission is half done (a half-done one is then finished in a pass of its own, so the
 * swap waits one pass at most). Reports queue wait, batch size and inference time.
 */
public final class InferenceWorker implements AutoCloseable {
    /** How often a submitter waiting for room looks whether the worker has stopped. */
    private static final long STOP_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final ModelSlot model;
    private final PendingSwap pendingSwap;
    private final PassQueue passes;
    private final StreamMetrics metrics;
    private final List<Thread> workers = new ArrayList<>();
    /** Images waiting for a pass at which a submitter waits: by default a full batch for each thread. */
    private final int roomFor;

    private volatile boolean stopping;

    /** One pass at a time: see {@link #InferenceWorker(ModelSlot, int, int, int, StreamMetrics)}. */
    public InferenceWorker(ModelSlot model, int maxBatchSize, StreamMetrics metrics) {
        this(model, maxBatchSize, 1, 0, metrics);
    }

    /**
     * @param model the version in service; only these threads change it, when no pass is running
     * @param passes forward passes that may run at once, each on a thread of its own
     * @param splitMin with at least this many images waiting, no more than two full batches, and
     *     another thread idle or soon free, the images are shared between two passes that end
     *     together; below 2, never
     */
    public InferenceWorker(ModelSlot model, int maxBatchSize, int passes, int splitMin, StreamMetrics metrics) {
        this(model, maxBatchSize, passes, splitMin, passes, metrics);
    }

    /**
     * @param queueBatches full batches that may wait for a pass before {@link #awaitRoom} waits;
     *     see {@link #InferenceWorker(ModelSlot, int, int, int, StreamMetrics)} for the others
     */
    public InferenceWorker(
            ModelSlot model, int maxBatchSize, int passes, int splitMin, int queueBatches, StreamMetrics metrics) {
        if (passes < 1 || queueBatches < 1) {
            throw new IllegalArgumentException(
                    "at least one pass at a time and one batch queued, got " + passes + " and " + queueBatches);
        }
        this.model = model;
        this.pendingSwap = new PendingSwap(model, metrics);
        this.passes = new PassQueue(model, pendingSwap, maxBatchSize, passes, splitMin);
        this.metrics = metrics;
        this.roomFor = queueBatches * maxBatchSize;
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
            passes.add(submission);
        }
        return submission.result;
    }

    /**
     * True when no images wait for a forward pass: a batch submitted now is next in line, whether
     * a thread is free or the next to free takes it. Holding it back for more images only waits.
     */
    public boolean nothingWaiting() {
        return passes.nothingWaiting();
    }

    /**
     * Waits while the queue's full batches (one for each inference thread by default) already wait
     * for a pass: a batch queued behind them would run no sooner, and the longer its images wait in
     * the process, the more of them a commit finds unfinished and writes to the changelog as held
     * copies. Images are held back in Kafka instead, read when the model can take them. Returns at
     * once when the worker stops, and after {@code timeout} at most.
     *
     * @return true when it had to wait: the input is ahead of the model
     */
    public boolean awaitRoom(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean waited = false;
        try {
            // in slices: a worker that stops while this waits leaves its count behind
            for (long left = timeout.toNanos(); !stopping && left > 0; left = deadline - System.nanoTime()) {
                if (!passes.awaitFewerWaitingThan(roomFor, Math.min(left, STOP_CHECK_NANOS))) {
                    return waited;
                }
                waited = true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return waited;
    }

    /**
     * True when images have been waiting for a pass for at least {@code period} without a break:
     * the model is the bottleneck, and work waits in its queue whatever else the stream does.
     */
    public boolean backloggedFor(Duration period) {
        return passes.backloggedFor(period.toNanos());
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

    private void loop() {
        while (!stopping) {
            PassQueue.Pass pass = null;
            Throwable failure = null;
            try {
                pass = passes.next();
                if (pass != null) {
                    run(pass);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopping = true;
            } catch (RuntimeException | Error e) {
                failure = e;
            } finally {
                if (pass != null) {
                    passes.ended(pass, failure);
                }
            }
        }
        passes.failAll(new IllegalStateException("the inference thread stopped"));
    }

    private void run(PassQueue.Pass pass) {
        ModelRunner runner = pass.runner();
        long start = System.nanoTime();
        List<RgbImage> images = new ArrayList<>(pass.size());
        for (Submission.Slice slice : pass.slices()) {
            images.addAll(slice.submission().images.subList(slice.from(), slice.from() + slice.count()));
        }
        Probabilities probabilities = predict(runner, images);
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
    }

    /** A runner that is not safe for concurrent passes runs one at a time. */
    private static Probabilities predict(ModelRunner runner, List<RgbImage> images) {
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
