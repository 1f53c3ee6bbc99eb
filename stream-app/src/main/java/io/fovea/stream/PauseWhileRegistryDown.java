package io.fovea.stream;

import io.fovea.stream.validate.RegistryWriterSchemas;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pauses processing while the schema registry does not answer, and resumes it when it does: the
 * stream thread keeps polling and committing (its group membership and transactions stay sound),
 * and no more records are read into the wait. Records already read wait in the pending store.
 */
final class PauseWhileRegistryDown implements RegistryWriterSchemas.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(PauseWhileRegistryDown.class);
    private final KafkaStreams streams;

    PauseWhileRegistryDown(KafkaStreams streams) {
        this.streams = streams;
    }

    @Override
    public void waiting(String why) {
        LOG.warn("Processing paused until the schema registry answers: {}", why);
        streams.pause();
    }

    @Override
    public void answering() {
        LOG.info("The schema registry answers: processing resumes");
        streams.resume();
    }
}
