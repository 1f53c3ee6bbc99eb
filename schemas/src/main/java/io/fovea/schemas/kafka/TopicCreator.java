package io.fovea.schemas.kafka;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates Fovea topics that do not exist yet, so partition counts and compaction are chosen on
 * purpose rather than by broker auto-creation defaults. Existing topics are left as they are, and
 * a principal that may not create topics can use ones an operator made.
 */
public final class TopicCreator {
    private TopicCreator() {}

    public static void ensure(KafkaConnection kafka, String topic, int partitions, boolean compacted) {
        try (Admin admin = kafka.newAdmin()) {
            ensure(admin, topic, partitions, compacted);
        }
    }

    public static void ensure(Admin admin, String topic, int partitions, boolean compacted) {
        NewTopic newTopic = new NewTopic(topic, partitions, (short) -1);
        if (compacted) {
            newTopic.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        }
        try {
            if (admin.listTopics().names().get().contains(topic)) {
                return;
            }
            admin.createTopics(List.of(newTopic)).all().get();
            // written to at once by its creator, as a rule: not before every partition's leader has its log open
            TopicDescriptions.awaitLeaders(admin, topic, partitions);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + topic, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicAuthorizationException) {
                throw new IllegalStateException(whyCreateWasDenied(admin, topic), e.getCause());
            }
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException(
                        "cannot check or create topic " + topic + ": " + KafkaFailures.oneLine(e.getCause()),
                        e.getCause());
            }
        }
    }

    /**
     * Kafka lists only the topics a principal may DESCRIBE, so a topic missing from the list may
     * exist: asked directly, Kafka says whether it is unknown or denied. The message must not claim
     * the topic is missing when it is only hidden.
     */
    private static String whyCreateWasDenied(Admin admin, String topic) {
        String missing = "topic " + topic + " does not exist, and Kafka denies CREATE on it to these credentials:"
                + " have it created, or grant CREATE (bin/fovea acls --role create-topics)";
        try {
            admin.describeTopics(List.of(topic)).allTopicNames().get();
            return "Kafka denies CREATE on topic " + topic + " to these credentials, and another client"
                    + " has just created it: run the command again";
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicAuthorizationException) {
                return "Kafka denies DESCRIBE on topic " + topic + " to these credentials (it may well exist:"
                        + " Kafka hides topics a principal may not describe), and CREATE. Grant the ACLs this"
                        + " command needs (bin/fovea acls --principal User:NAME --role ... prints them;"
                        + " docs/security.md), READ or WRITE imply DESCRIBE";
            }
            return missing;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return missing;
        }
    }
}
