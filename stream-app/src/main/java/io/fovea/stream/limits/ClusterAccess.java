package io.fovea.stream.limits;

import io.fovea.schemas.kafka.TopicDescriptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.TopicAuthorizationException;

/**
 * Asks the cluster, before anything is consumed, whether these credentials may do what serve
 * will do to each topic. Kafka's own errors come later, mid-transaction, and name the topic but
 * not the operation; this names both, once, at start.
 */
public final class ClusterAccess {
    private final Map<String, List<AclOperation>> needs = new LinkedHashMap<>();

    /** Serve will need {@code operation} on {@code topic}. */
    public ClusterAccess need(String topic, AclOperation operation) {
        needs.computeIfAbsent(topic, t -> new ArrayList<>()).add(operation);
        return this;
    }

    /** @throws IllegalStateException naming each operation on each topic that is denied */
    public void check(Admin admin) {
        List<String> denied = new ArrayList<>();
        needs.forEach((topic, operations) -> {
            Set<AclOperation> allowed = allowedOn(admin, topic);
            if (allowed == null || allowed.contains(AclOperation.ALL)) {
                return; // a cluster without an authorizer does not say, and allows everything
            }
            operations.stream()
                    .filter(op -> !allowed.contains(op))
                    .forEach(op -> denied.add(op + " on topic '" + topic + "'"));
        });
        if (!denied.isEmpty()) {
            throw new IllegalStateException("Kafka denies " + String.join(", ", denied)
                    + " to these credentials, and serve needs it. Grant the ACLs in docs/security.md"
                    + " (bin/fovea acls prints them) and restart serve; nothing is consumed until then");
        }
    }

    /**
     * What Kafka allows on the topic: empty when even DESCRIBE is denied (READ and WRITE would
     * imply it), null when the cluster does not say.
     */
    private static Set<AclOperation> allowedOn(Admin admin, String topic) {
        try {
            return TopicDescriptions.describe(
                            admin, topic, new DescribeTopicsOptions().includeAuthorizedOperations(true))
                    .authorizedOperations();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicAuthorizationException) {
                return Set.of();
            }
            throw TopicDescriptions.cannotDescribe(topic, e.getCause());
        }
    }
}
