package io.fovea.core.store.location;

import io.fovea.core.store.DirectoryModelStore;
import io.fovea.core.store.ModelStore;
import io.fovea.core.store.object.ObjectModelStore;
import io.fovea.core.store.object.ObjectStoreSettings;
import io.fovea.core.store.object.S3Location;
import io.fovea.schemas.kafka.KafkaConnection;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Opens the store a location names: {@code s3://bucket/prefix} is an object store (which keeps its
 * ledger on the Kafka cluster); a {@code file:} URI or a plain path is a directory store.
 */
public final class ModelStores {
    /** The store.* settings an object store reads. */
    public static final String PREFIX = "store.";

    private ModelStores() {}

    /**
     * @param settings store.* settings (others are ignored)
     * @param kafka    the cluster, asked for only by an object store; may return null
     */
    public static ModelStore open(String location, Map<String, String> settings, Supplier<KafkaConnection> kafka) {
        if (S3Location.names(location)) {
            KafkaConnection cluster = kafka.get();
            if (cluster == null) {
                throw new IllegalArgumentException("the object store " + location
                        + " keeps its version numbers and promotions on the Kafka cluster: give --bootstrap"
                        + " (and --command-config for a secured cluster)");
            }
            return new ObjectModelStore(S3Location.parse(location), ObjectStoreSettings.from(settings), cluster);
        }
        if (location.startsWith("file:")) {
            return new DirectoryModelStore(Path.of(URI.create(location)));
        }
        return new DirectoryModelStore(Path.of(location));
    }

    public static boolean isObjectStore(String location) {
        return S3Location.names(location);
    }

    /**
     * The store.* settings among {@code settings}, and those the environment gives as
     * FOVEA_STORE_S3_ENDPOINT and the like (the settings win).
     */
    public static Map<String, String> settings(Map<String, String> settings, Map<String, String> environment) {
        Map<String, String> chosen = new LinkedHashMap<>();
        environment.forEach((name, value) -> {
            if (name.startsWith("FOVEA_STORE_")) {
                chosen.put(
                        name.substring("FOVEA_".length())
                                .toLowerCase(Locale.ROOT)
                                .replace('_', '.'),
                        value);
            }
        });
        settings.forEach((key, value) -> {
            if (key.startsWith(PREFIX)) {
                chosen.put(key, value);
            }
        });
        return chosen;
    }
}
