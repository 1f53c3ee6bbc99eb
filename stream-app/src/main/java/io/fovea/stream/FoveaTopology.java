package io.fovea.stream;

import io.fovea.stream.batch.ClassifyProcessor;
import io.fovea.stream.batch.ClassifySettings;
import io.fovea.stream.config.StreamConfig;
import io.fovea.stream.config.StreamOptions;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The stream app's topology: images → classify (validate, hold, batch, predict) → predictions,
 * with refused records → dead letters and a shadow version's predictions → shadow predictions. Records stay bytes on the way in, so that nothing a
 * producer sends can fail deserialization before Fovea can dead-letter it.
 */
public final class FoveaTopology {
    public static final String SOURCE = "images";
    public static final String CLASSIFY = "classify";
    /** Accepted images not yet predicted, keyed by input offset; changelogged, so they survive any stop. */
    public static final String PENDING_STORE = "pending-images";

    private FoveaTopology() {}

    /** The changelog Kafka Streams keeps the pending images in. */
    public static String pendingChangelog(StreamConfig config) {
        return config.get(StreamOptions.APPLICATION_ID) + "-" + PENDING_STORE + "-changelog";
    }

    public static Topology build(StreamConfig config, ClassifySettings settings) {
        Topology topology = new Topology();
        topology.addSource(
                SOURCE,
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer(),
                config.get(StreamOptions.INPUT_TOPIC));
        topology.addProcessor(CLASSIFY, () -> new ClassifyProcessor(settings), SOURCE);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                                Stores.inMemoryKeyValueStore(PENDING_STORE), Serdes.Long(), Serdes.ByteArray())
                        .withLoggingEnabled(Map.of())
                        // Caching coalesces the put and delete of an image classified within one commit
                        // interval, so the changelog mostly carries only what is still pending.
                        .withCachingEnabled(),
                CLASSIFY);
        // keeps the process id, and so the transactional ids, across restarts: see ProcessIdAnchor
        topology.addStateStore(ProcessIdAnchor.builder(), CLASSIFY);
        topology.addSink(
                ClassifyProcessor.PREDICTIONS_SINK,
                config.get(StreamOptions.OUTPUT_TOPIC),
                new ByteArraySerializer(),
                new ByteArraySerializer(),
                CLASSIFY);
        topology.addSink(
                ClassifyProcessor.SHADOW_SINK,
                config.get(StreamOptions.SHADOW_TOPIC),
                new ByteArraySerializer(),
                new ByteArraySerializer(),
                CLASSIFY);
        topology.addSink(
                ClassifyProcessor.DEAD_LETTERS_SINK,
                config.get(StreamOptions.DLQ_TOPIC),
                new ByteArraySerializer(),
                new ByteArraySerializer(),
                CLASSIFY);
        return topology;
    }
}
