package io.fovea.stream.validate;

import io.fovea.schemas.registry.RegistryUnavailableException;
import io.fovea.schemas.registry.SchemaRegistryClient;
import java.time.Duration;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writer schemas from the registry, waited for while it does not answer: a registry that is down
 * or slow holds processing back (retried with backoff, the reason shown by /ready) and never turns
 * a good record into a dead letter. Its refusals (an unknown id) go through to the caller.
 */
public final class RegistryWriterSchemas implements WriterSchemas {
    static final Duration FIRST_WAIT = Duration.ofMillis(100);
    static final Duration LONGEST_WAIT = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(RegistryWriterSchemas.class);

    private final SchemaRegistryClient client;
    /** Why processing waits, for /ready; null while the registry answers. */
    private volatile String waitingBecause;

    public RegistryWriterSchemas(SchemaRegistryClient client) {
        this.client = client;
    }

    @Override
    public Schema byId(int id) {
        long wait = FIRST_WAIT.toMillis();
        while (true) {
            try {
                Schema schema = client.schemaById(id);
                if (waitingBecause != null) {
                    LOG.info("The schema registry answers again; processing goes on");
                    waitingBecause = null;
                }
                return schema;
            } catch (RegistryUnavailableException e) {
                if (waitingBecause == null) {
                    LOG.warn("Processing waits for the schema registry: {}", e.getMessage());
                }
                waitingBecause = "waiting for the schema registry (schema id " + id + "): " + e.getMessage();
                sleep(wait);
                wait = Math.min(wait * 2, LONGEST_WAIT.toMillis());
            }
        }
    }

    /** Why processing waits for the registry, or null when it does not. */
    public String waitingBecause() {
        return waitingBecause;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryUnavailableException("interrupted while waiting for the schema registry", e);
        }
    }
}
