package io.fovea.stream.batch;

import io.fovea.core.release.KeyShare;
import io.fovea.stream.model.InferenceWorker;
import io.fovea.stream.model.Lineup;
import io.fovea.stream.predict.SubmittedBatch;
import io.fovea.stream.validate.SourceRecord;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Routes a closed batch by the lineup in service when it closed: each image goes to the canary
 * when its record key falls in the canary's share ({@link KeyShare#CANARY}, so one key always
 * meets one version) and to the primary otherwise; a record without a key is placed by its event
 * id. Images whose event id falls in a shadow's share are also submitted to the shadow.
 */
public final class LineupRouting {
    private LineupRouting() {}

    /**
     * Routes {@code images}, read from {@code topic}'s {@code partition}, by {@code lineup} and
     * submits each part to the worker.
     */
    public static SubmittedBatch submit(
            List<PendingImages.Pending> images, String topic, int partition, Lineup lineup, InferenceWorker worker) {
        Map<Lineup.Role, List<Integer>> rows = new EnumMap<>(Lineup.Role.class);
        List<SubmittedBatch.Image> batch = new ArrayList<>(images.size());
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
            SourceRecord source = new SourceRecord(topic, partition, p.offset(), p.key(), p.value(), p.headers());
            batch.add(new SubmittedBatch.Image(p.image().event(), source, p.arrivalNanos()));
        }
        SubmittedBatch submitted = new SubmittedBatch(batch, System.nanoTime());
        for (Map.Entry<Lineup.Role, List<Integer>> entry : rows.entrySet()) {
            submitted.add(new SubmittedBatch.Part(
                    entry.getKey(),
                    entry.getValue().stream().mapToInt(Integer::intValue).toArray(),
                    worker.submit(
                            entry.getValue().stream()
                                    .map(i -> images.get(i).image().image())
                                    .toList(),
                            entry.getKey())));
        }
        return submitted;
    }
}
