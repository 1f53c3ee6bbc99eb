package io.fovea.stream.batch;

import io.fovea.stream.predict.SubmittedBatch;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;

/**
 * A task's batches in the model, oldest first, emitted in that order. At most {@value
 * #MAX_IN_FLIGHT} full batches' worth of images are in flight; closing another past that waits
 * for the oldest (back-pressure), as long as the thread's {@link WaitAllowance} lasts. Counted in
 * images, not batches: small batches closed at their deadline while the model is busy would fill
 * a count of batches and hold the stream thread up at any load, which closes every other task's
 * batches late.
 */
final class InFlightBatches {
    /** Full batches' worth of images a task may have in flight. */
    static final int MAX_IN_FLIGHT = 4;

    private final Deque<SubmittedBatch> batches = new ArrayDeque<>();
    private final int maxImages;
    private final Consumer<SubmittedBatch> emit;
    /** Told when the stream thread waits for a pass: the input is then ahead of the model. */
    private final Runnable waitedForModel;

    InFlightBatches(int maxBatchSize, Consumer<SubmittedBatch> emit, Runnable waitedForModel) {
        this.maxImages = MAX_IN_FLIGHT * maxBatchSize;
        this.emit = emit;
        this.waitedForModel = waitedForModel;
    }

    void add(SubmittedBatch batch) {
        batches.addLast(batch);
    }

    boolean isEmpty() {
        return batches.isEmpty();
    }

    /** Emits, in order, every batch whose forward pass has finished. */
    void emitFinished() {
        while (!batches.isEmpty() && batches.peekFirst().isDone()) {
            emit.accept(batches.pollFirst());
        }
    }

    /**
     * Emits the oldest batches, waiting for their passes until {@code deadlineNanos} at most, until
     * {@code closing} more images fit; false when the deadline came first.
     */
    boolean makeRoomFor(int closing, long deadlineNanos) {
        while (!batches.isEmpty() && images() + closing > maxImages) {
            if (!emitOldest(deadlineNanos)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Emits the oldest batch, waiting for its pass until {@code deadlineNanos} at most; false when
     * none is in flight, or when it is still in the model then (it stays in flight).
     */
    boolean emitOldest(long deadlineNanos) {
        SubmittedBatch oldest = batches.peekFirst();
        if (oldest == null) {
            return false;
        }
        if (!oldest.isDone()) {
            waitedForModel.run();
            if (!oldest.awaitDone(deadlineNanos)) {
                return false;
            }
        }
        emit.accept(batches.pollFirst());
        return true;
    }

    /**
     * Forgets the batches still in the model, unemitted: their images are still held, in a store
     * committed with the task, so whoever owns the partition next classifies them.
     */
    void clear() {
        batches.clear();
    }

    /** Images in flight, counted from the batches themselves rather than kept beside them. */
    private int images() {
        int images = 0;
        for (SubmittedBatch batch : batches) {
            images += batch.images().size();
        }
        return images;
    }
}
