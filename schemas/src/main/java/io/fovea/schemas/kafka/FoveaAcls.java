package io.fovea.schemas.kafka;

import io.fovea.schemas.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The least each Fovea command needs from a cluster with ACLs, for the default topic names.
 * READ and WRITE imply DESCRIBE in Kafka, so DESCRIBE is not listed beside them. docs/security.md
 * is this class as a table; {@code bin/fovea acls} prints or grants it.
 */
public final class FoveaAcls {
    /** The roles, as {@code bin/fovea acls --role} names them. */
    public enum Role {
        /** {@code serve}: the stream app. */
        SERVE,
        /** {@code produce}: images in. */
        PRODUCE,
        /** {@code consume}: reads any Fovea topic. */
        CONSUME,
        /**
         * {@code models promote|rollback} and {@code train --publish}: releases out, and an object
         * store's ledger written (the trainer has no role of its own: publishing is this one).
         */
        MODELS,
        /** Creating the Fovea topics, for a principal that should make them when they are missing. */
        CREATE_TOPICS;

        public String cliName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** Prefix of an object store's transactional ids, one per model (the store's {@code Ledger}). */
    public static final String STORE_TRANSACTIONAL_ID_PREFIX = "fovea-store-";

    private FoveaAcls() {}

    /** Serve without WRITE on the releases topic: canaries do not end themselves. */
    public static List<AclBinding> of(Role role, String principal, String applicationId) {
        return of(role, principal, applicationId, false);
    }

    /**
     * @param applicationId serve's application.id: its group, internal topics and transactional ids
     * @param serveAutoRollback serve may end a canary itself, which takes WRITE on the releases
     *     topic: a principal holding that WRITE can announce any release, so it is as good as admin
     */
    public static List<AclBinding> of(Role role, String principal, String applicationId, boolean serveAutoRollback) {
        List<AclBinding> acls = new ArrayList<>();
        switch (role) {
            case SERVE -> serve(acls, principal, applicationId, serveAutoRollback);
            case PRODUCE -> acls.add(topic(principal, Topics.IMAGES, AclOperation.WRITE));
            case CONSUME -> {
                for (String t : List.of(
                        Topics.PREDICTIONS,
                        Topics.SHADOW_PREDICTIONS,
                        Topics.DEAD_LETTERS,
                        Topics.IMAGES,
                        Topics.MODEL_RELEASES)) {
                    acls.add(topic(principal, t, AclOperation.READ));
                }
            }
            case MODELS -> {
                acls.add(topic(principal, Topics.MODEL_RELEASES, AclOperation.WRITE));
                // a trial's state is read back from the releases, its evidence from both prediction topics
                for (String t : List.of(Topics.MODEL_RELEASES, Topics.PREDICTIONS, Topics.SHADOW_PREDICTIONS)) {
                    acls.add(topic(principal, t, AclOperation.READ));
                }
                // an object store's version numbers and promotions: read whole, then appended in a
                // transaction per model, which fences a concurrent writer of the same model
                acls.add(topic(principal, Topics.MODEL_LEDGER, AclOperation.READ));
                acls.add(topic(principal, Topics.MODEL_LEDGER, AclOperation.WRITE));
                acls.add(allow(
                        principal,
                        ResourceType.TRANSACTIONAL_ID,
                        STORE_TRANSACTIONAL_ID_PREFIX,
                        PatternType.PREFIXED,
                        AclOperation.WRITE));
            }
            case CREATE_TOPICS -> {
                for (String t : List.of(
                        Topics.IMAGES,
                        Topics.PREDICTIONS,
                        Topics.SHADOW_PREDICTIONS,
                        Topics.DEAD_LETTERS,
                        Topics.MODEL_RELEASES,
                        Topics.MODEL_LEDGER)) {
                    acls.add(topic(principal, t, AclOperation.CREATE));
                }
            }
        }
        return acls;
    }

    /** What serve reads, writes and owns: its input and outputs, and everything named after its application id. */
    private static void serve(
            List<AclBinding> acls, String principal, String applicationId, boolean serveAutoRollback) {
        acls.add(topic(principal, Topics.IMAGES, AclOperation.READ));
        acls.add(topic(principal, Topics.MODEL_RELEASES, AclOperation.READ));
        // an object store's ledger: which versions exist and which one is promoted (never written)
        acls.add(topic(principal, Topics.MODEL_LEDGER, AclOperation.READ));
        if (serveAutoRollback) {
            // a canary's automatic rollback is a release like any other
            acls.add(topic(principal, Topics.MODEL_RELEASES, AclOperation.WRITE));
        }
        for (String out : List.of(Topics.PREDICTIONS, Topics.SHADOW_PREDICTIONS, Topics.DEAD_LETTERS)) {
            acls.add(topic(principal, out, AclOperation.WRITE));
            // the size budget reads each output topic's max.message.bytes
            acls.add(topic(principal, out, AclOperation.DESCRIBE_CONFIGS));
        }
        // Kafka Streams' changelog and repartition topics are named after the application id.
        acls.add(allow(principal, ResourceType.TOPIC, applicationId, PatternType.PREFIXED, AclOperation.ALL));
        acls.add(allow(principal, ResourceType.GROUP, applicationId, PatternType.LITERAL, AclOperation.READ));
        acls.add(allow(
                principal, ResourceType.TRANSACTIONAL_ID, applicationId, PatternType.PREFIXED, AclOperation.WRITE));
        // the broker's message.max.bytes, read while the changelog does not exist yet
        acls.add(allow(
                principal, ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL, AclOperation.DESCRIBE_CONFIGS));
    }

    /** Every role's bindings: what the local secured broker grants its app user. */
    public static List<AclBinding> all(String principal, String applicationId) {
        List<AclBinding> acls = new ArrayList<>();
        for (Role role : Role.values()) {
            acls.addAll(of(role, principal, applicationId));
        }
        return acls;
    }

    /** Creates the bindings (existing ones are kept; Kafka makes this idempotent) with an admin's connection. */
    public static void grant(KafkaConnection admin, List<AclBinding> acls) {
        try (Admin client = admin.newAdmin()) {
            client.createAcls(acls).all().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while granting ACLs", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot grant ACLs: " + KafkaFailures.oneLine(e.getCause()), e.getCause());
        }
    }

    private static AclBinding topic(String principal, String topic, AclOperation operation) {
        return allow(principal, ResourceType.TOPIC, topic, PatternType.LITERAL, operation);
    }

    private static AclBinding allow(
            String principal, ResourceType type, String name, PatternType pattern, AclOperation operation) {
        return new AclBinding(
                new ResourcePattern(type, name, pattern),
                new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
    }

    /** The {@code kafka-acls.sh} arguments that grant one binding. */
    public static String kafkaAclsArguments(AclBinding acl) {
        ResourcePattern r = acl.pattern();
        String resource = switch (r.resourceType()) {
            case TOPIC -> "--topic " + r.name();
            case GROUP -> "--group " + r.name();
            case TRANSACTIONAL_ID -> "--transactional-id " + r.name();
            case CLUSTER -> "--cluster";
            default -> "--resource " + r.resourceType() + ":" + r.name();
        };
        return "--add --allow-principal " + acl.entry().principal()
                + " --operation " + camel(acl.entry().operation().name())
                + " " + resource
                + (r.patternType() == PatternType.PREFIXED ? " --resource-pattern-type prefixed" : "");
    }

    private static String camel(String upperSnake) {
        StringBuilder out = new StringBuilder();
        for (String part : upperSnake.split("_")) {
            out.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
        }
        return out.toString();
    }
}
