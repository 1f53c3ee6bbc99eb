package io.fovea.stream.predict;

import org.apache.kafka.streams.processor.api.Record;

/** Where emitted records go: the classify processor forwards them to its topology's sinks; the warm-up drops them. */
@FunctionalInterface
public interface Sink {
    /** The three outputs of the app, each a topic. */
    enum Output {
        PREDICTIONS,
        SHADOW_PREDICTIONS,
        DEAD_LETTERS
    }

    void forward(Output output, Record<byte[], byte[]> record);
}
