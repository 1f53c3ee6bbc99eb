package io.fovea.schemas.kafka;

import java.util.Optional;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;

/**
 * One line for a failure no retry can fix: the cluster refused who we are, or what we asked to
 * do. Kafka's own messages say "Not authorized to access topics: [t]"; these add the
 * operation, where it is known, and what to check.
 */
public final class KafkaFailures {
    private KafkaFailures() {}

    /** The explanation if {@code failure} or one of its causes is an authentication or authorization failure. */
    public static Optional<String> explain(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SslAuthenticationException) {
                return Optional.of("TLS handshake with Kafka failed: " + t.getMessage()
                        + ". Check ssl.truststore.location (it must trust the broker's certificate) and the"
                        + " broker's host name in its certificate");
            }
            if (t instanceof AuthenticationException) {
                return Optional.of("Kafka authentication failed: " + t.getMessage()
                        + ". Check the user name and password (sasl.jaas.config) and sasl.mechanism"
                        + " in the client properties (--command-config)");
            }
            if (t instanceof AuthorizationException denied) {
                return Optional.of(denial(denied));
            }
        }
        return Optional.empty();
    }

    /** {@link #explain}'s line, or the failure's own message when it is none of those. */
    public static String oneLine(Throwable failure) {
        return explain(failure).orElse(failure.getMessage());
    }

    private static String denial(AuthorizationException denied) {
        String what;
        if (denied instanceof TopicAuthorizationException topics) {
            what = "access to "
                    + (topics.unauthorizedTopics().isEmpty() ? "a topic" : "topic(s) " + topics.unauthorizedTopics())
                    + " (READ to consume, WRITE to produce, CREATE to create)";
        } else if (denied instanceof GroupAuthorizationException group) {
            what = "READ on consumer group '" + group.groupId() + "'";
        } else if (denied instanceof TransactionalIdAuthorizationException) {
            what = "WRITE on the transactional id (serve's exactly-once producer; its ids start with the"
                    + " application.id)";
        } else if (denied instanceof ClusterAuthorizationException) {
            what = "an operation on the cluster resource";
        } else {
            what = "an operation";
        }
        return "Kafka denied " + what + ": " + denied.getMessage()
                + ". Grant the ACLs in docs/security.md (bin/fovea acls prints them) and restart";
    }
}
