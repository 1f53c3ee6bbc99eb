package io.fovea.stream.model;

import io.fovea.core.image.RgbImage;
import io.fovea.stream.metrics.StreamMetrics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

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
    /** A submission: its images, and its rows of output as the passes that hold them finish. */
    private static final class Request {
        final List<RgbImage> images;
        final Lineup.Role role;
        final long submittedNanos;
        final CompletableFuture<BatchResult> result = new CompletableFuture<>();
        final int[] batchSizes;
        final long[] inferenceNanos;
        int placed;
        int done;
        INDArray rows;
        long firstPassNanos;

        Request(List<RgbImage> images, Lineup.Role role) {
            this.images = List.copyOf(images);
            this.role = role;
            this.submittedNanos = System.nanoTime();
            this.batchSizes = new int[images.size()];
            this.inferenceNanos = new long[images.size()];
        }

        int unplaced() {
            return images.size() - placed;
        }
    }

    /** {@code count} images of {@code request}, from its image {@code from}, in a pass. */
    private record Slice(Request request, int from, int count) {}

    private final ModelSlot model;
    /** A version waiting to go into service at the next gap between forward passes. */
    private final AtomicReference<Swap> pendingSwap = new AtomicReference<>();

    private final int maxBatchSize;
    private final StreamMetrics metrics;
    private final BlockingQueue<Request> queue = new LinkedBlockingQueue<>();
    private final Thread worker;
    private volatile boolean running = true;
    /** A submission only partly placed in the last pass: its other images open the next one. Worker thread only. */
    private Request carried;

    private record Swap(Lineup next, CompletableFuture<Switched> done) {}

    /** @param model the version in service; only this thread changes it, between forward passes */
    public InferenceWorker(ModelSlot model, int maxBatchSize, StreamMetrics metrics) {
        this.model = model;
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
        Request request = new Request(images, role);
        if (!running) {
            request.result.completeExceptionally(new IllegalStateException("the inference thread has stopped"));
        } else if (images.isEmpty()) {
            request.result.completeExceptionally(new IllegalArgumentException("an empty batch"));
        } else {
            queue.add(request);
        }
        return request.result;
    }

    /** Classifies the images, waiting for the forward pass that includes them. */
    public BatchResult classify(List<RgbImage> images) {
        return await(submit(images));
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
        CompletableFuture<Switched> done = new CompletableFuture<>();
        Swap previous = pendingSwap.getAndSet(new Swap(next, done));
        if (previous != null) {
            // superseded before it ever served: close what neither the lineup in service nor the next one holds
            Set<ModelRunner> kept = Collections.newSetFromMap(new IdentityHashMap<>());
            kept.addAll(model.lineup().runners());
            kept.addAll(next.runners());
            previous.next().runners().stream().filter(r -> !kept.contains(r)).forEach(ModelRunner::close);
            previous.done().cancel(false);
        }
        return done;
    }

    private void applySwap() {
        Swap swap = pendingSwap.getAndSet(null);
        if (swap != null) {
            Lineup old = model.swap(swap.next());
            swap.next().report(metrics);
            old.closeAllBut(swap.next());
            swap.done().complete(new Switched(old, System.nanoTime()));
        }
    }

    private void loop() {
        while (running) {
            List<Slice> pass = new ArrayList<>();
            try {
                if (carried == null) {
                    applySwap(); // never while a submission is half done: it keeps its version
                }
                // A swap is waiting for the half-done submission: finish it in a pass of its own.
                // Under steady load a filled pass would end mid-submission again, and the swap
                // could wait many passes for one that happens to end on a submission's edge.
                boolean alone = carried != null && pendingSwap.get() != null;
                Request first = carried != null ? carried : queue.poll(100, TimeUnit.MILLISECONDS);
                carried = null;
                int size = 0;
                // A pass runs one version: it takes the submissions of the first one's role, in
                // order, and leaves the others queued for a pass of their own.
                Iterator<Request> waiting = queue.iterator();
                for (Request next = first;
                        next != null;
                        next = size < maxBatchSize && !alone ? next(waiting, first.role) : null) {
                    int count = Math.min(next.unplaced(), maxBatchSize - size);
                    pass.add(new Slice(next, next.placed, count));
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
                pass.forEach(slice -> slice.request().result.completeExceptionally(e));
                carried = null;
            }
        }
        if (carried != null) {
            carried.result.completeExceptionally(new IllegalStateException("the inference thread stopped"));
        }
        for (Request left; (left = queue.poll()) != null; ) {
            left.result.completeExceptionally(new IllegalStateException("the inference thread stopped"));
        }
    }

    /** The next queued submission for {@code role}, taken out of the queue; null when there is none. */
    private static Request next(Iterator<Request> waiting, Lineup.Role role) {
        while (waiting.hasNext()) {
            Request request = waiting.next();
            if (request.role == role) {
                waiting.remove();
                return request;
            }
        }
        return null;
    }

    private void run(List<Slice> pass, int size, Lineup.Role role) {
        ModelRunner runner = model.lineup().runnerFor(role);
        if (runner == null) {
            NoShadowException ended = new NoShadowException();
            pass.forEach(slice -> slice.request().result.completeExceptionally(ended));
            carried = null;
            return;
        }
        long start = System.nanoTime();
        List<RgbImage> images = new ArrayList<>(size);
        for (Slice slice : pass) {
            images.addAll(slice.request().images.subList(slice.from(), slice.from() + slice.count()));
        }
        INDArray probabilities = runner.predict(images);
        long inferenceNanos = System.nanoTime() - start;
        metrics.batch(size, inferenceNanos, role == Lineup.Role.SHADOW);
        int offset = 0;
        for (Slice slice : pass) {
            Request request = slice.request();
            if (request.rows == null) {
                request.rows = Nd4j.create(probabilities.dataType(), request.images.size(), probabilities.columns());
                request.firstPassNanos = start;
                metrics.modelWait(start - request.submittedNanos);
            }
            request.rows
                    .get(NDArrayIndex.interval(slice.from(), slice.from() + slice.count()), NDArrayIndex.all())
                    .assign(probabilities.get(
                            NDArrayIndex.interval(offset, offset + slice.count()), NDArrayIndex.all()));
            Arrays.fill(request.batchSizes, slice.from(), slice.from() + slice.count(), size);
            Arrays.fill(request.inferenceNanos, slice.from(), slice.from() + slice.count(), inferenceNanos);
            offset += slice.count();
            request.done += slice.count();
            if (request.done == request.images.size()) {
                request.result.complete(new BatchResult(
                        request.rows,
                        runner.name(),
                        runner.version(),
                        runner.labels(),
                        request.batchSizes,
                        request.firstPassNanos - request.submittedNanos,
                        request.inferenceNanos));
            }
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
