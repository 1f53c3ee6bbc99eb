package io.fovea.stream.model;

import java.util.function.Supplier;

/**
 * The versions in service ({@link Lineup}). The inference threads read it once per forward pass
 * and are the only ones to swap it, when no pass runs (see {@code InferenceWorker#swap}), so a
 * swap always lands between batches. As a supplier it gives the primary.
 */
public final class ModelSlot implements Supplier<ModelRunner> {
    private volatile Lineup current;

    public ModelSlot(ModelRunner initial) {
        this.current = Lineup.of(initial);
    }

    @Override
    public ModelRunner get() {
        return current.primary();
    }

    public Lineup lineup() {
        return current;
    }

    /** Puts {@code next} in service and returns the previous lineup. */
    public synchronized Lineup swap(Lineup next) {
        Lineup previous = current;
        current = next;
        return previous;
    }
}
