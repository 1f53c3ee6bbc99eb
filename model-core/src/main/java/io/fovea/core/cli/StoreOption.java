package io.fovea.core.cli;

import io.fovea.core.store.ModelStore;
import io.fovea.core.store.location.ModelStores;
import io.fovea.schemas.kafka.KafkaConnection;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code --store DIR|s3://BUCKET/PREFIX}: the model store, for every command that reads or writes it. */
public final class StoreOption {
    @Option(
            names = "--store",
            paramLabel = "DIR|s3://BUCKET/PREFIX",
            defaultValue = "${sys:user.home}/.fovea/models",
            scope = ScopeType.INHERIT,
            description = "Model store: a folder, or an S3-compatible bucket whose version numbers and promotions"
                    + " are kept on the Kafka cluster (store.s3.endpoint and the other store.* settings go in"
                    + " --command-config or FOVEA_STORE_* variables; docs/operations.md) (default: ${DEFAULT-VALUE}).")
    private String store;

    /** What --store says. */
    public String location() {
        return store;
    }

    public boolean isObjectStore() {
        return ModelStores.isObjectStore(store);
    }

    /** The folder of a directory store. */
    public Path path() {
        if (isObjectStore()) {
            throw new IllegalArgumentException("this command needs a folder as its store, not " + store);
        }
        return Path.of(store.startsWith("file:") ? java.net.URI.create(store).getPath() : store);
    }

    /** Opens the store; an object store reads store.* settings from the client file and the environment. */
    public ModelStore open(KafkaOption kafka) {
        Map<String, String> file = kafka == null || kafka.commandConfig() == null
                ? Map.of()
                : KafkaConnection.readProperties(kafka.commandConfig());
        return ModelStores.open(
                store,
                ModelStores.settings(file, System.getenv()),
                () -> kafka == null ? null : kafka.connectionOrNull());
    }
}
