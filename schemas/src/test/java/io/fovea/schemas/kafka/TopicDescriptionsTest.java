package io.fovea.schemas.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsResult;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.internals.KafkaFutureImpl;
import org.junit.jupiter.api.Test;

/** The broker's answers are scripted: the race they stand for is too short to meet on demand. */
class TopicDescriptionsTest {
    private static final String TOPIC = "images";
    private static final Node BROKER = new Node(1, "localhost", 9092);

    @Test
    void aTopicTheAnsweringBrokerDoesNotKnowYetIsAskedForAgainUntilItDoes() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Admin admin = admin(() -> calls.incrementAndGet() <= 3
                ? failed(new UnknownTopicOrPartitionException("This server does not host this topic-partition."))
                : KafkaFuture.completedFuture(description(4)));

        assertEquals(4, TopicDescriptions.partitions(admin, TOPIC));
        assertEquals(4, calls.get());
    }

    @Test
    void aRefusalIsPassedOnAtOnce() {
        AtomicInteger calls = new AtomicInteger();
        Admin admin = admin(() -> {
            calls.incrementAndGet();
            return failed(new TopicAuthorizationException("denied"));
        });

        ExecutionException e = assertThrows(
                ExecutionException.class, () -> TopicDescriptions.describe(admin, TOPIC, new DescribeTopicsOptions()));
        assertInstanceOf(TopicAuthorizationException.class, e.getCause());
        assertEquals(1, calls.get());
    }

    @Test
    void aTopicThatStaysUnknownIsReportedOncePatienceRunsOut() {
        AtomicInteger calls = new AtomicInteger();
        Admin admin = admin(() -> {
            calls.incrementAndGet();
            return failed(new UnknownTopicOrPartitionException("unknown"));
        });

        long start = System.nanoTime();
        ExecutionException e = assertThrows(
                ExecutionException.class,
                () -> TopicDescriptions.describe(admin, TOPIC, new DescribeTopicsOptions(), Duration.ofMillis(500)));
        assertInstanceOf(UnknownTopicOrPartitionException.class, e.getCause());
        assertEquals(true, System.nanoTime() - start >= Duration.ofMillis(500).toNanos());
        assertEquals(true, calls.get() >= 2, "asked " + calls.get() + " times");
    }

    @Test
    void aNewTopicIsWaitedForUntilEveryPartitionHasALeader() {
        AtomicInteger calls = new AtomicInteger();
        Admin admin = admin(() -> switch (calls.incrementAndGet()) {
            case 1 -> failed(new UnknownTopicOrPartitionException("unknown"));
            case 2 -> KafkaFuture.completedFuture(description(2)); // one of three so far
            case 3 -> KafkaFuture.completedFuture(leaderless(3, 2));
            default -> KafkaFuture.completedFuture(description(3));
        });

        TopicDescriptions.awaitLeaders(admin, TOPIC, 3);
        assertEquals(4, calls.get());
    }

    @Test
    void aNewTopicIsWaitedForUntilEveryPartitionsLeaderAnswersForItsLog() {
        List<TopicPartition> asked = new ArrayList<>();
        TopicDescriptions.awaitLeaders(admin(() -> KafkaFuture.completedFuture(description(3)), asked, null), TOPIC, 3);
        assertEquals(
                Set.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1), new TopicPartition(TOPIC, 2)),
                Set.copyOf(asked),
                "each partition's leader asked for its log's end, a leader in the metadata not being enough");
    }

    @Test
    void aLeaderThatNeverAnswersForItsLogIsReported() {
        Admin admin = admin(
                () -> KafkaFuture.completedFuture(description(3)),
                new ArrayList<>(),
                new NotLeaderOrFollowerException("not leader"));

        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> TopicDescriptions.awaitLeaders(admin, TOPIC, 3));
        assertTrue(
                e.getMessage().startsWith("topic images was created, but not every partition's leader answered"),
                e.getMessage());
    }

    @Test
    void aNewTopicWhosePartitionsStayLeaderlessIsReportedOncePatienceRunsOut() {
        Admin admin = admin(() -> KafkaFuture.completedFuture(leaderless(3, 1)));

        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> TopicDescriptions.awaitLeaders(admin, TOPIC, 3, Duration.ofMillis(500)));
        assertEquals("topic images was created, but 2 of its 3 partitions had a leader after 0.5 s", e.getMessage());
    }

    @Test
    void aPrincipalThatMayNotDescribeTheTopicGoesOnWithoutWaiting() {
        AtomicInteger calls = new AtomicInteger();
        Admin admin = admin(() -> {
            calls.incrementAndGet();
            return failed(new TopicAuthorizationException("denied"));
        });

        TopicDescriptions.awaitLeaders(admin, TOPIC, 3);
        assertEquals(1, calls.get());
    }

    /** {@code partitions} partitions, the one numbered {@code without} without a leader. */
    private static TopicDescription leaderless(int partitions, int without) {
        List<TopicPartitionInfo> infos =
                new java.util.ArrayList<>(description(partitions).partitions());
        infos.set(without, new TopicPartitionInfo(without, null, List.of(BROKER), List.of()));
        return new TopicDescription(TOPIC, false, infos);
    }

    private static TopicDescription description(int partitions) {
        List<TopicPartitionInfo> infos = new java.util.ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            infos.add(new TopicPartitionInfo(p, BROKER, List.of(BROKER), List.of(BROKER)));
        }
        return new TopicDescription(TOPIC, false, infos);
    }

    private static <T> KafkaFuture<T> failed(Exception cause) {
        KafkaFutureImpl<T> future = new KafkaFutureImpl<>();
        future.completeExceptionally(cause);
        return future;
    }

    /** An Admin whose only working calls are describeTopics, answering from {@code answers}, and listOffsets. */
    private static Admin admin(Supplier<KafkaFuture<TopicDescription>> answers) {
        return admin(answers, new ArrayList<>(), null);
    }

    /**
     * The same, its listOffsets recording the partitions it was asked for in {@code asked} and
     * failing with {@code logsFail} if given.
     */
    @SuppressWarnings("unchecked")
    private static Admin admin(
            Supplier<KafkaFuture<TopicDescription>> answers, List<TopicPartition> asked, Exception logsFail) {
        return (Admin) Proxy.newProxyInstance(
                Admin.class.getClassLoader(), new Class<?>[] {Admin.class}, (proxy, method, args) -> {
                    if (method.getName().equals("listOffsets")) {
                        Map<TopicPartition, OffsetSpec> specs = (Map<TopicPartition, OffsetSpec>) args[0];
                        asked.addAll(specs.keySet());
                        Map<TopicPartition, KafkaFuture<ListOffsetsResult.ListOffsetsResultInfo>> results =
                                new HashMap<>();
                        specs.keySet()
                                .forEach(tp -> results.put(
                                        tp,
                                        logsFail == null
                                                ? KafkaFuture.completedFuture(
                                                        new ListOffsetsResult.ListOffsetsResultInfo(
                                                                0, -1, Optional.empty()))
                                                : failed(logsFail)));
                        return new ListOffsetsResult(results);
                    }
                    if (!method.getName().equals("describeTopics")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    return new DescribeTopicsResult(null, Map.of(TOPIC, answers.get())) {};
                });
    }
}
