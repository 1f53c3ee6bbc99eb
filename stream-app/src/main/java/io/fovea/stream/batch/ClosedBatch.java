package io.fovea.stream.batch;

import io.fovea.core.release.KeyShare;
import io.fovea.stream.model.BatchResult;
import io.fovea.stream.model.InferenceWorker;
import io.fovea.stream.model.Lineup;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A closed batch in (or queued for) the model, routed by the lineup in service when it closed:
 * each image goes to the canary when its record key falls in the canary's share ({@link
 * KeyShare#CANARY}, so one key always meets one version) and to the primary otherwise; a record
 * without a key is placed by its event id. Images whose event id falls in a shadow's share are
 * also submitted to the shadow.
 */
final class ClosedBatch {
    /** The rows of the batch one version classifies, and their result. */
    record Part(Lineup.Role role, int[] rows, CompletableFuture<BatchResult> result) {}

    final List<PendingImages.Pending> images;
    final long closedNanos;
    /** The part that serves each row, and the row's place in it. */
    private final Part[] servedBy;

    private final int[] placeInPart;
    private final List<Part> parts = new ArrayList<>();
    private Part shadow;

    private ClosedBatch(List<PendingImages.Pending> images) {
        this.images = images;
        this.closedNanos = System.nanoTime();
        this.servedBy = new Part[images.size()];
        this.placeInPart = new int[images.size()];
    }

    /** Routes {@code images} by {@code lineup} and submits each part to the worker. */
    static ClosedBatch submit(List<PendingImages.Pending> images, Lineup lineup, InferenceWorker worker) {
        Map<Lineup.Role, List<Integer>> rows = new EnumMap<>(Lineup.Role.class);
        for (int i = 0; i < images.size(); i++) {
            PendingImages.Pending p = images.get(i);
            String id = p.image().event().getId();
            boolean canary = lineup.canary() != null
                    && (p.key() != null
                            ? lineup.canary()
                                    .keys()
                                    .within(p.key(), lineup.canary().share())
                            : lineup.canary().keys().within(id, lineup.canary().share()));
            rows.computeIfAbsent(canary ? Lineup.Role.CANARY : Lineup.Role.PRIMARY, r -> new ArrayList<>())
                    .add(i);
            if (lineup.shadow() != null
                    && KeyShare.SHADOW.within(id, lineup.shadow().share())) {
                rows.computeIfAbsent(Lineup.Role.SHADOW, r -> new ArrayList<>()).add(i);
            }
        }
        ClosedBatch batch = new ClosedBatch(images);
        for (Map.Entry<Lineup.Role, List<Integer>> entry : rows.entrySet()) {
            int[] partRows =
                    entry.getValue().stream().mapToInt(Integer::intValue).toArray();
            Part part = new Part(
                    entry.getKey(),
                    partRows,
                    worker.submit(
                            entry.getValue().stream()
                                    .map(i -> images.get(i).image().image())
                                    .toList(),
                            entry.getKey()));
            batch.parts.add(part);
            if (entry.getKey() == Lineup.Role.SHADOW) {
                batch.shadow = part;
            } else {
                for (int j = 0; j < partRows.length; j++) {
                    batch.servedBy[partRows[j]] = part;
                    batch.placeInPart[partRows[j]] = j;
                }
            }
        }
        return batch;
    }

    /** True when every part's forward passes have finished. */
    boolean isDone() {
        return parts.stream().allMatch(part -> part.result().isDone());
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
