package io.fovea.stream;

import io.fovea.schemas.registry.RegistrySettings;
import io.fovea.schemas.registry.RegistryUnavailableException;
import io.fovea.schemas.registry.SchemaRegistryClient;
import io.fovea.stream.config.StreamConfig;
import io.fovea.stream.config.StreamOptions;
import io.fovea.stream.predict.OutputEncoding;
import io.fovea.stream.predict.RegistryOutput;
import io.fovea.stream.validate.RegistryWriterSchemas;
import io.fovea.stream.validate.WireFormat;
import io.fovea.stream.validate.WriterSchemas;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What serve takes from the schema registry named in the Kafka client settings: the writer schemas
 * of registry-framed input, and the ids its outputs are written under with {@code output.format=registry}.
 *
 * @param schemas null without {@code schema.registry.url}
 */
record RegistrySetup(RegistryWriterSchemas schemas, OutputEncoding output) {
    private static final Logger LOG = LoggerFactory.getLogger(RegistrySetup.class);

    /** @throws IllegalArgumentException when the output format needs a registry that is not there or refuses */
    static RegistrySetup of(StreamConfig config) {
        RegistrySettings settings = RegistrySettings.from(config.connection().settings());
        boolean registryOutput = config.get(StreamOptions.OUTPUT_FORMAT).equals("registry");
        if (settings == null) {
            if (registryOutput) {
                throw new IllegalArgumentException("output.format=registry needs schema.registry.url in the Kafka"
                        + " client settings (--command-config)");
            }
            if (config.get(StreamOptions.INPUT_FORMATS).contains(WireFormat.REGISTRY)) {
                LOG.info("No schema.registry.url: registry-framed records will be dead letters (UNKNOWN_SCHEMA_ID)");
            }
            return new RegistrySetup(null, OutputEncoding.SINGLE_OBJECT);
        }
        LOG.info("Schema registry: {}", settings);
        SchemaRegistryClient client = new SchemaRegistryClient(settings);
        OutputEncoding output = OutputEncoding.SINGLE_OBJECT;
        if (registryOutput) {
            RegistryOutput registry = new RegistryOutput(
                    client,
                    config.get(StreamOptions.SUBJECT_NAME_STRATEGY),
                    config.get(StreamOptions.AUTO_REGISTER_SCHEMAS).equals("true"));
            try {
                output = registry.encoding(
                        config.get(StreamOptions.OUTPUT_TOPIC),
                        config.get(StreamOptions.SHADOW_TOPIC),
                        config.get(StreamOptions.DLQ_TOPIC));
            } catch (IllegalStateException | RegistryUnavailableException e) {
                throw new IllegalArgumentException("output.format=registry: " + e.getMessage(), e);
            }
        }
        return new RegistrySetup(new RegistryWriterSchemas(client), output);
    }

    WriterSchemas writerSchemas() {
        return schemas == null ? WriterSchemas.NONE : schemas;
    }
}
