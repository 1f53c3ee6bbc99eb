package io.fovea.stream.model;

import io.fovea.stream.metrics.StreamMetrics;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A lineup waiting to go into service at the next gap between forward passes. A newer one
 * supersedes it before it ever serves; the inference threads put it in service when no pass runs.
 */
final class PendingSwap {
    private record Swap(Lineup next, CompletableFuture<InferenceWorker.Switched> done) {}

    private final AtomicReference<Swap> waiting = new AtomicReference<>();
    private final ModelSlot slot;
    private final StreamMetrics metrics;

    PendingSwap(ModelSlot slot, StreamMetrics metrics) {
        this.slot = slot;
        this.metrics = metrics;
    }

    /** Queues {@code next}, replacing (and closing what only it held of) a lineup still waiting. */
    CompletableFuture<InferenceWorker.Switched> offer(Lineup next) {
        CompletableFuture<InferenceWorker.Switched> done = new CompletableFuture<>();
        Swap previous = waiting.getAndSet(new Swap(next, done));
        if (previous != null) {
            // superseded before it ever served: close what neither the lineup in service nor the next one holds
            Set<ModelRunner> kept = Collections.newSetFromMap(new IdentityHashMap<>());
            kept.addAll(slot.lineup().runners());
            kept.addAll(next.runners());
            previous.next().runners().stream().filter(r -> !kept.contains(r)).forEach(ModelRunner::close);
            previous.done().cancel(false);
        }
        return done;
    }

    boolean isWaiting() {
        return waiting.get() != null;
    }

    /** Puts the waiting lineup, if any, in service and closes the versions it no longer holds: when no pass runs ({@link PassQueue}). */
    void apply() {
        Swap swap = waiting.getAndSet(null);
        if (swap != null) {
            Lineup old = slot.swap(swap.next());
            swap.next().report(metrics);
            old.closeAllBut(swap.next());
            swap.done().complete(new InferenceWorker.Switched(old, System.nanoTime()));
        }
    }
}
