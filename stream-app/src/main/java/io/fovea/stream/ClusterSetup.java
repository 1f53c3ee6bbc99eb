package io.fovea.stream;

import static org.apache.kafka.clients.producer.ProducerConfig.MAX_REQUEST_SIZE_CONFIG;

import io.fovea.schemas.kafka.TopicCreator;
import io.fovea.schemas.kafka.TopicDescriptions;
import io.fovea.stream.config.StreamConfig;
import io.fovea.stream.config.StreamOptions;
import io.fovea.stream.limits.ClusterAccess;
import io.fovea.stream.limits.ClusterLimits;
import io.fovea.stream.limits.RecordLimit;
import io.fovea.stream.limits.SizeBudget;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AclOperation;

/**
 * What the app asks of the cluster before it starts, with one Admin client: its topics exist (made
 * when missing, the outputs with the input's partitions), its principal may use them, and their
 * limits give the {@link SizeBudget}. Settings that cannot work together stop it here.
 */
final class ClusterSetup {
    private ClusterSetup() {}

    /** Makes and checks the topics, and returns the size budget their limits allow. */
    static SizeBudget prepare(StreamConfig config, Properties properties) {
        // One Admin client for the start-up questions: partition counts and size limits.
        try (Admin admin = config.connection().newAdmin()) {
            ensureTopics(config, admin);
            new ClusterAccess()
                    .need(config.get(StreamOptions.INPUT_TOPIC), AclOperation.READ)
                    .need(config.get(StreamOptions.OUTPUT_TOPIC), AclOperation.WRITE)
                    .need(config.get(StreamOptions.SHADOW_TOPIC), AclOperation.WRITE)
                    .need(config.get(StreamOptions.DLQ_TOPIC), AclOperation.WRITE)
                    .check(admin);
            return sizeBudget(config, properties, admin);
        }
    }

    private static void ensureTopics(StreamConfig config, Admin admin) {
        TopicCreator.ensure(admin, config.get(StreamOptions.INPUT_TOPIC), 4, false);
        int partitions = TopicDescriptions.partitions(admin, config.get(StreamOptions.INPUT_TOPIC));
        TopicCreator.ensure(admin, config.get(StreamOptions.OUTPUT_TOPIC), partitions, false);
        TopicCreator.ensure(admin, config.get(StreamOptions.DLQ_TOPIC), partitions, false);
        TopicCreator.ensure(admin, config.get(StreamOptions.SHADOW_TOPIC), partitions, false);
    }

    /** Reads the cluster's limits and refuses settings that cannot work together. */
    private static SizeBudget sizeBudget(StreamConfig config, Properties properties, Admin admin) {
        String changelog = FoveaTopology.pendingChangelog(config);
        String output = config.get(StreamOptions.OUTPUT_TOPIC);
        String shadow = config.get(StreamOptions.SHADOW_TOPIC);
        String dlq = config.get(StreamOptions.DLQ_TOPIC);
        OptionalLong payload = config.get(StreamOptions.MAX_PAYLOAD_BYTES); // empty: auto
        Map<String, RecordLimit> limits = new ClusterLimits(
                        admin,
                        properties,
                        StreamConfig.streamsProducer(properties).getInt(MAX_REQUEST_SIZE_CONFIG))
                .of(List.of(changelog, output, shadow, dlq));
        return SizeBudget.of(
                limits.get(changelog),
                limits.get(output),
                limits.get(shadow),
                limits.get(dlq),
                payload.isEmpty() ? null : payload.getAsLong(),
                StreamOptions.MAX_PAYLOAD_BYTES.key());
    }
}
