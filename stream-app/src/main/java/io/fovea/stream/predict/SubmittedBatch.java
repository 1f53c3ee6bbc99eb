package io.fovea.stream.predict;

import io.fovea.avro.ImageEvent;
import io.fovea.stream.model.BatchResult;
import io.fovea.stream.model.Lineup;
import io.fovea.stream.validate.SourceRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A closed batch in (or queued for) the model, as {@link Emission} reads it: its images in input
 * order, the part that serves each, and the shadow's part when a shadow sampled any of them. The
 * batch step routes and submits the parts.
 */
public final class SubmittedBatch {
    /** The rows of the batch one version classifies, and their result. */
    public record Part(Lineup.Role role, int[] rows, CompletableFuture<BatchResult> result) {}

    /**
     * One image of the batch.
     *
     * @param source the record it came in, which a dead letter keeps and whose headers travel on
     * @param arrivalNanos monotonic arrival, for measuring queue wait
     */
    public record Image(ImageEvent event, SourceRecord source, long arrivalNanos) {}

    private final List<Image> images;
    private final long closedNanos;
    /** The part that serves each row, and the row's place in it. */
    private final Part[] servedBy;

    private final int[] placeInPart;
    private final List<Part> parts = new ArrayList<>();
    private Part shadow;

    public SubmittedBatch(List<Image> images, long closedNanos) {
        this.images = List.copyOf(images);
        this.closedNanos = closedNanos;
        this.servedBy = new Part[images.size()];
        this.placeInPart = new int[images.size()];
    }

    /** Adds a submitted part: the shadow's, or one that serves its rows. */
    public void add(Part part) {
        parts.add(part);
        if (part.role() == Lineup.Role.SHADOW) {
            shadow = part;
        } else {
            for (int j = 0; j < part.rows().length; j++) {
                servedBy[part.rows()[j]] = part;
                placeInPart[part.rows()[j]] = j;
            }
        }
    }

    public List<Image> images() {
        return images;
    }

    /** When the batch closed ({@link System#nanoTime()}). */
    public long closedNanos() {
        return closedNanos;
    }

    /** True when every part's forward passes have finished. */
    public boolean isDone() {
        return parts.stream().allMatch(part -> part.result().isDone());
    }

    /**
     * Waits until every part's forward passes have finished, or until {@code deadlineNanos}
     * ({@link System#nanoTime()}; {@link Long#MAX_VALUE}: no limit); true when they have. A failed
     * pass counts as finished: its rows are dead-lettered when the batch is emitted.
     */
    public boolean awaitDone(long deadlineNanos) {
        for (Part part : parts) {
            try {
                if (deadlineNanos == Long.MAX_VALUE) {
                    part.result().get();
                } else {
                    part.result().get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
                }
            } catch (TimeoutException e) {
                return false;
            } catch (ExecutionException | CancellationException e) {
                // finished, and failed
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return isDone();
            }
        }
        return true;
    }

    /** The part that classified row {@code row} for serving. */
    Part servedBy(int row) {
        return servedBy[row];
    }

    /** Row {@code row}'s place among its part's rows: its row of the part's probabilities. */
    int placeInPart(int row) {
        return placeInPart[row];
    }

    /** The shadow part, or null when no shadow ran or sampled none of these images. */
    Part shadow() {
        return shadow;
    }

    /** Every part, the shadow's included. */
    List<Part> parts() {
        return parts;
    }
}
