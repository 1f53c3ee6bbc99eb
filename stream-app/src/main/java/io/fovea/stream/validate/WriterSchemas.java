package io.fovea.stream.validate;

import io.fovea.schemas.registry.RegistryRefusalException;
import org.apache.avro.Schema;

/**
 * Writer schemas by registry id, as a schema registry holds them.
 * Implementations throw {@code RegistryRefusalException} for an id the registry does not have and
 * {@code RegistryUnavailableException} while no registry answers.
 */
@FunctionalInterface
public interface WriterSchemas {
    Schema byId(int id);

    /** For a deployment without a registry: every registry-framed record is refused, its id unknown here. */
    WriterSchemas NONE = id -> {
        throw new RegistryRefusalException(
                "no schema registry is configured (schema.registry.url in the Kafka client settings)", 404, 0);
    };
}
