package io.fovea.stream.batch;

import io.fovea.core.image.RgbImage;
import io.fovea.stream.metrics.StreamMetrics;
import io.fovea.stream.model.ModelRunner;
import io.fovea.stream.model.ModelSlot;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The one model of the process and the thread that runs it. Stream threads submit their closed
 * batches; submissions that arrive while the model is busy are merged into the next forward
 * pass, up to {@code maxBatchSize} images, so several partitions and threads share one batch.
 * A forward pass uses one model version from start to end: a swap takes effect between passes.
 * Reports queue wait, batch size and inference time.
 */
public final class BatchAggregator implements AutoCloseable {
    private record Request(List<RgbImage> images, long submittedNanos, CompletableFuture<BatchResult> result) {
    }

    private final ModelSlot model;
    /** A version waiting to go into service at the next gap between forward passes. */
    private final java.util.concurrent.atomic.AtomicReference<Swap> pendingSwap = new java.util.concurrent.atomic.AtomicReference<>();
    private final int maxBatchSize;
    private final StreamMetrics metrics;
    private final BlockingQueue<Request> queue = new LinkedBlockingQueue<>();
    private final Thread worker;
    private volatile boolean running = true;

    private record Swap(ModelRunner next, CompletableFuture<Switched> done) {
    }

    /** @param model the version in service; only this thread changes it, between forward passes */
    public BatchAggregator(ModelSlot model, int maxBatchSize, StreamMetrics metrics) {
        this.model = model;
        this.maxBatchSize = maxBatchSize;
        this.metrics = metrics;
        this.worker = new Thread(this::loop, "fovea-inference");
        this.worker.setDaemon(true);
        this.worker.start();
    }

    /** Queues the images for the next forward pass; the future completes when it has run. */
    public CompletableFuture<BatchResult> submit(List<RgbImage> images) {
        CompletableFuture<BatchResult> result = new CompletableFuture<>();
        if (!running) {
            result.completeExceptionally(new IllegalStateException("the inference thread has stopped"));
            return result;
        }
        queue.add(new Request(List.copyOf(images), System.nanoTime(), result));
        return result;
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

    /** A version put into service: the one it replaced, and when ({@link System#nanoTime()}). */
    public record Switched(ModelRunner replaced, long atNanos) {
    }

    /**
     * Puts {@code next} into service between two forward passes and closes the version it
     * replaces (no pass can be using it then). The switch itself costs no forward pass: the
     * caller has loaded and checked {@code next} already.
     */
    public CompletableFuture<Switched> swap(ModelRunner next) {
        CompletableFuture<Switched> done = new CompletableFuture<>();
        Swap previous = pendingSwap.getAndSet(new Swap(next, done));
        if (previous != null) {
            previous.next().close(); // superseded before it ever served
            previous.done().cancel(false);
        }
        return done;
    }

    private void applySwap() {
        Swap swap = pendingSwap.getAndSet(null);
        if (swap != null) {
            ModelRunner old = model.swap(swap.next());
            metrics.modelInService(swap.next().name(), swap.next().version());
            old.close();
            swap.done().complete(new Switched(old, System.nanoTime()));
        }
    }

    private void loop() {
        while (running) {
            List<Request> group = new ArrayList<>();
            try {
                applySwap();
                Request first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                group.add(first);
                int images = first.images().size();
                for (Request next = queue.peek(); next != null && images + next.images().size() <= maxBatchSize;
                     next = queue.peek()) {
                    group.add(queue.poll());
                    images += next.images().size();
                }
                run(group, images);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            } catch (RuntimeException | Error e) {
                group.forEach(request -> request.result().completeExceptionally(e));
            }
        }
        for (Request left; (left = queue.poll()) != null; ) {
            left.result().completeExceptionally(new IllegalStateException("the inference thread stopped"));
        }
    }

    private void run(List<Request> group, int size) {
        long start = System.nanoTime();
        List<RgbImage> all = new ArrayList<>(size);
        group.forEach(request -> all.addAll(request.images()));
        ModelRunner runner = model.get();
        INDArray probabilities = runner.predict(all);
        long inferenceNanos = System.nanoTime() - start;
        metrics.batch(size, inferenceNanos);
        int offset = 0;
        for (Request request : group) {
            int n = request.images().size();
            INDArray rows = probabilities.get(NDArrayIndex.interval(offset, offset + n), NDArrayIndex.all()).dup();
            offset += n;
            long queued = start - request.submittedNanos();
            metrics.modelWait(queued);
            request.result().complete(new BatchResult(rows, runner.name(), runner.version(), runner.labels(), size,
                    queued, inferenceNanos));
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

    /** A forward pass that threw: the batch's records are dead-lettered as INFERENCE_FAILED. */
    public static final class InferenceException extends RuntimeException {
        InferenceException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
