package io.fovea.bench;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * What the broker did, from its own meters: requests by type, and records and bytes written by
 * the role of their topic (input, predictions, the pending-images changelog, the transaction and
 * offset logs). Read from this JVM's MBeans, so only a broker in this process (the benchmark's
 * own) is counted; against a broker elsewhere it is empty.
 */
record BrokerWork(Map<String, Long> counts) {
    static final String CHANGELOG = "pending-images changelog";

    /** The broker's meters now. */
    static BrokerWork now() {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        Map<String, Long> counts = new TreeMap<>();
        try {
            for (ObjectName name :
                    server.queryNames(meter("kafka.network:type=RequestMetrics,name=RequestsPerSec"), null)) {
                String request = name.getKeyProperty("request");
                if (!request.startsWith("Fetch") || request.equals("Fetch")) { // Fetch counts FetchConsumer's too
                    add(server, counts, name, "requests: " + request);
                }
            }
            for (String meter : List.of("MessagesInPerSec", "BytesInPerSec")) {
                for (ObjectName name :
                        server.queryNames(meter("kafka.server:type=BrokerTopicMetrics,name=" + meter), null)) {
                    String topic = name.getKeyProperty("topic");
                    if (topic != null) { // the broker's total is the sum of these
                        add(
                                server,
                                counts,
                                name,
                                (meter.startsWith("Messages") ? "records in: " : "KB in: ") + role(topic));
                    }
                }
            }
        } catch (JMException e) {
            throw new IllegalStateException("cannot read the broker's meters: " + e.getMessage(), e);
        }
        return new BrokerWork(counts);
    }

    /** Per 1,000 {@code images}, what was done since {@code before} (bytes in KB). */
    Map<String, Double> perThousandSince(BrokerWork before, long images) {
        Map<String, Double> per = new LinkedHashMap<>();
        counts.forEach((key, count) -> {
            long done = count - before.counts.getOrDefault(key, 0L);
            if (done > 0) {
                per.put(key, (key.startsWith("KB") ? done / 1024.0 : done) * 1000.0 / images);
            }
        });
        return per;
    }

    /** What a topic of the benchmark is for, whatever its run's suffix. */
    static String role(String topic) {
        if (topic.endsWith("-changelog")) {
            return CHANGELOG;
        } else if (topic.startsWith("cmp-out-")) {
            return "predictions";
        } else if (topic.equals("__transaction_state")) {
            return "transaction log";
        } else if (topic.equals("__consumer_offsets")) {
            return "consumer offsets";
        }
        return "input and others";
    }

    private static ObjectName meter(String prefix) throws JMException {
        return new ObjectName(prefix + ",*");
    }

    private static void add(MBeanServer server, Map<String, Long> counts, ObjectName name, String key)
            throws JMException {
        Object count = server.getAttribute(name, "Count");
        counts.merge(key, ((Number) count).longValue(), Long::sum);
    }
}
