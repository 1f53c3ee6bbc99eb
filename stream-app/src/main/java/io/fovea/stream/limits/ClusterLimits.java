package io.fovea.stream.limits;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Reads the size limits the cluster really enforces, with the Admin client: each topic's
 * {@code max.message.bytes}, and for a changelog Kafka Streams has not created yet, what it will
 * be created with ({@code topic.max.message.bytes} in the app's settings, else the broker's
 * {@code message.max.bytes}), each held to the producer's {@code max.request.size}.
 */
public final class ClusterLimits {
    private static final String BROKER_MESSAGE_MAX_BYTES = "message.max.bytes";

    private final Admin admin;
    private final int maxRequestSize;
    private final Properties streamsProperties;

    /** @param maxRequestSize the producer's {@code max.request.size} as Kafka Streams will set it */
    public ClusterLimits(Admin admin, Properties streamsProperties, int maxRequestSize) {
        this.admin = admin;
        this.streamsProperties = streamsProperties;
        this.maxRequestSize = maxRequestSize;
    }

    public int maxRequestSize() {
        return maxRequestSize;
    }

    /** The limit of each topic that exists; for one that does not, the limit it will be created with. */
    public Map<String, RecordLimit> of(Collection<String> topics) {
        Map<String, RecordLimit> limits = new HashMap<>();
        List<ConfigResource> resources = topics.stream()
                .map(topic -> new ConfigResource(ConfigResource.Type.TOPIC, topic))
                .toList();
        Map<ConfigResource, Config> described = describe(resources, true);
        List<String> missing = new ArrayList<>();
        for (String topic : topics) {
            Config config = described.get(new ConfigResource(ConfigResource.Type.TOPIC, topic));
            ConfigEntry entry = config == null ? null : config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            if (entry == null || entry.value() == null) {
                missing.add(topic);
            } else {
                limits.put(topic, new RecordLimit(topic, Integer.parseInt(entry.value()), maxRequestSize));
            }
        }
        if (!missing.isEmpty()) {
            int forNewTopics = forNewInternalTopics();
            missing.forEach(topic -> limits.put(topic, new RecordLimit(topic, forNewTopics, maxRequestSize)));
        }
        return limits;
    }

    /** What Kafka Streams will create an internal topic with. */
    private int forNewInternalTopics() {
        Object override = streamsProperties.get(StreamsConfig.topicPrefix(TopicConfig.MAX_MESSAGE_BYTES_CONFIG));
        if (override != null) {
            return Integer.parseInt(override.toString().trim());
        }
        try {
            String node =
                    admin.describeCluster().nodes().get().iterator().next().idString();
            ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, node);
            Config config = describe(List.of(broker), false).get(broker);
            return Integer.parseInt(config.get(BROKER_MESSAGE_MAX_BYTES).value());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the broker's " + BROKER_MESSAGE_MAX_BYTES, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "cannot read the broker's " + BROKER_MESSAGE_MAX_BYTES + ": "
                            + e.getCause().getMessage(),
                    e.getCause());
        }
    }

    private Map<ConfigResource, Config> describe(List<ConfigResource> resources, boolean skipMissing) {
        Map<ConfigResource, Config> configs = new HashMap<>();
        admin.describeConfigs(resources).values().forEach((resource, future) -> {
            try {
                configs.put(resource, future.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading the config of " + resource.name(), e);
            } catch (ExecutionException e) {
                if (!skipMissing || !(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw new IllegalStateException(
                            "cannot read the size limits of "
                                    + resource.type().name().toLowerCase() + " " + resource.name()
                                    + " (needs DESCRIBE_CONFIGS): "
                                    + e.getCause().getMessage(),
                            e.getCause());
                }
            }
        });
        return configs;
    }
}
