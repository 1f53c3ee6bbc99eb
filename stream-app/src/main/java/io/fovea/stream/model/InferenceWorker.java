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
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The one model of the process and the thread that runs it. Stream threads submit their closed
 * batches; each forward pass takes up to {@code maxBatchSize} images from the front of the queue,
 * whatever the submissions' sizes: several partitions and threads share one pass, and a submission
 * that does not fit whole is finished by the next pass. So the model runs full batches whenever
 * enough images are waiting, even when partitions close small batches at their deadline.
 * A submission is classified by one model version: a swap takes effect between passes, never
 * while a submission is half done (a half-done one is then finished in a pass of its own, so the
 * swap waits one pass at most). Reports queue wait, batch size and inference time.
 */
public final class InferenceWorker implements AutoCloseable {
    private final ModelSlot model;
    private final PendingSwap pendingSwap;
    private final int maxBatchSize;
    private final StreamMetrics metrics;
    private final BlockingQueue<Submission> queue = new LinkedBlockingQueue<>();
    private final Thread worker;
    private volatile boolean running = true;
    /** A submission only partly placed in the last pass: its other images open the next one. Worker thread only. */
    private Submission carried;

    /** @param model the version in service; only this thread changes it, between forward passes */
    public InferenceWorker(ModelSlot model, int maxBatchSize, StreamMetrics metrics) {
        this.model = model;
        this.pendingSwap = new PendingSwap(model, metrics);
        this.maxBatchSize = maxBatchSize;
        this.metrics = metrics;
        this.worker = new Thread(this::loop, "fovea-inference");
        this.worker.setDaemon(true);
        this.worker.start();
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
        if (!running) {
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

    private void loop() {
        while (running) {
            List<Submission.Slice> pass = new ArrayList<>();
            try {
                if (carried == null) {
                    pendingSwap.apply(); // never while a submission is half done: it keeps its version
                }
                // A swap is waiting for the half-done submission: finish it in a pass of its own.
                // Under steady load a filled pass would end mid-submission again, and the swap
                // could wait many passes for one that happens to end on a submission's edge.
                boolean alone = carried != null && pendingSwap.isWaiting();
                Submission first = carried != null ? carried : queue.poll(100, TimeUnit.MILLISECONDS);
                carried = null;
                int size = 0;
                // A pass runs one version: it takes the submissions of the first one's role, in
                // order, and leaves the others queued for a pass of their own.
                Iterator<Submission> waiting = queue.iterator();
                for (Submission next = first;
                        next != null;
                        next = size < maxBatchSize && !alone ? next(waiting, first.role) : null) {
                    int count = Math.min(next.unplaced(), maxBatchSize - size);
                    pass.add(new Submission.Slice(next, next.placed, count));
                    next.placed += count;
                    size += count;
                    if (next.unplaced() > 0) {
                        carried = next;
                    }
                }
                if (!pass.isEmpty()) {
                    run(pass, size, first.role);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            } catch (RuntimeException | Error e) {
                pass.forEach(slice -> slice.submission().result.completeExceptionally(e));
                carried = null;
            }
        }
        if (carried != null) {
            carried.result.completeExceptionally(new IllegalStateException("the inference thread stopped"));
        }
        for (Submission left; (left = queue.poll()) != null; ) {
            left.result.completeExceptionally(new IllegalStateException("the inference thread stopped"));
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

    private void run(List<Submission.Slice> pass, int size, Lineup.Role role) {
        ModelRunner runner = model.lineup().runnerFor(role);
        if (runner == null) {
            NoShadowException ended = new NoShadowException();
            pass.forEach(slice -> slice.submission().result.completeExceptionally(ended));
            carried = null;
            return;
        }
        long start = System.nanoTime();
        List<RgbImage> images = new ArrayList<>(size);
        for (Submission.Slice slice : pass) {
            images.addAll(slice.submission().images.subList(slice.from(), slice.from() + slice.count()));
        }
        INDArray probabilities = runner.predict(images);
        long inferenceNanos = System.nanoTime() - start;
        metrics.batch(size, inferenceNanos, role == Lineup.Role.SHADOW);
        Submission.Pass done = new Submission.Pass(probabilities, size, start, inferenceNanos, runner);
        int offset = 0;
        for (Submission.Slice slice : pass) {
            if (slice.submission().fill(slice, offset, done)) {
                metrics.modelWait(start - slice.submission().submittedNanos);
            }
            offset += slice.count();
        }
        probabilities.close();
    }

    @Override
    public void close() {
        running = false;
        try {
            worker.join(TimeUnit.SECONDS.toMillis(30));
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
