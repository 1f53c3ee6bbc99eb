package io.fovea.bench;

import io.fovea.avro.ReleaseAction;
import io.fovea.core.release.ReleasePublisher;
import io.fovea.core.store.ModelStore;
import io.fovea.core.store.location.ModelStores;
import io.fovea.schemas.kafka.KafkaConnection;
import java.util.HashMap;
import java.util.Map;

/**
 * A process that promotes two versions of a model in turn, announcing each: what
 * {@code bin/fovea models promote} does, {@code times} times. Arguments: bootstrap, store,
 * releases topic, model, first version, second version, times, then store.* settings as key=value.
 */
public final class PromoteLoop {
    private PromoteLoop() {}

    public static void main(String[] args) {
        KafkaConnection kafka = KafkaConnection.to(args[0]);
        Map<String, String> settings = new HashMap<>();
        for (int i = 7; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            settings.put(kv[0], kv[1]);
        }
        int first = Integer.parseInt(args[4]);
        int second = Integer.parseInt(args[5]);
        int times = Integer.parseInt(args[6]);
        try (ModelStore store = ModelStores.open(args[1], settings, () -> kafka);
                ReleasePublisher publisher = new ReleasePublisher(kafka, args[2])) {
            for (int i = 0; i < times; i++) {
                store.promote(args[3], i % 2 == 0 ? first : second, publisher.announcer(ReleaseAction.PROMOTED));
            }
        }
        System.exit(0);
    }
}
