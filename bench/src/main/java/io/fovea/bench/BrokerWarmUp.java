package io.fovea.bench;

import io.fovea.core.runtime.Blocking;
import io.fovea.schemas.kafka.KafkaConnection;
import io.fovea.schemas.kafka.TopicCreator;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The broker's requests of every kind the pipelines send (idempotent produce, fetch, transactions
 * with offsets, read_committed fetch, group commits) at many times the pipelines' rate, until
 * this JVM's JIT compiler is done with them. A freshly started broker's optimising compiler
 * works through its code for a quarter of an hour of pipeline traffic, and on two cores it takes
 * that time from whichever contender runs; a cluster's broker, up for days, spends none.
 */
final class BrokerWarmUp {
    private static final Duration SLICE = Duration.ofSeconds(15);
    private static final int MAX_SLICES = 12;
    /** Settled: compiling took less than this share of a slice's wall time. */
    private static final double SETTLED_SHARE = 0.03;

    private static final Duration POLL = Duration.ofMillis(20);
    private static final byte[] VALUE = new byte[100];
    /** Records between two 1 ms pauses: at most some 16,000 a second, a few MB a second on disk. */
    private static final int BURST = 16;

    private final KafkaConnection kafka;
    private final String in;
    private final String out;
    private final AtomicBoolean running = new AtomicBoolean(true);

    private BrokerWarmUp(KafkaConnection kafka) {
        this.kafka = kafka;
        String id = UUID.randomUUID().toString().substring(0, 8);
        this.in = "warm-in-" + id;
        this.out = "warm-out-" + id;
    }

    /** Runs the traffic in slices until one is settled; prints each slice. */
    static void run(KafkaConnection kafka, PrintWriter log) {
        if (Double.isNaN(JitWarmUp.compilingSeconds())) {
            return;
        }
        new BrokerWarmUp(kafka).slices(log);
    }

    private void slices(PrintWriter log) {
        TopicCreator.ensure(kafka, in, PipelineBench.PARTITIONS, false);
        TopicCreator.ensure(kafka, out, PipelineBench.PARTITIONS, false);
        List<Thread> threads = new ArrayList<>();
        threads.add(start("warm-produce", this::produce));
        threads.add(start("warm-transact", this::transact));
        threads.add(start("warm-read", this::readAndCommit));
        try {
            boolean settled = JitWarmUp.untilSettled(
                    1,
                    MAX_SLICES,
                    SETTLED_SHARE,
                    slice -> Blocking.pause(SLICE),
                    (slice, compiling, seconds) -> String.format(
                            "- Broker warm-up, %d s of transactions, fetches and commits (not measured): the"
                                    + " benchmark JVM's JIT compiled for %.1f s.",
                            slice * SLICE.toSeconds(), compiling),
                    log);
            if (!settled) {
                log.println("- The benchmark JVM's JIT compiler was still busy; measuring anyway.");
            }
        } finally {
            running.set(false);
            threads.forEach(BrokerWarmUp::join);
            log.println();
        }
    }

    /** Small records, each its own request (no linger), as fast as the broker takes them. */
    private void produce() {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                kafka.producer(Map.<String, Object>of(ProducerConfig.LINGER_MS_CONFIG, 0)),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            long n = 0;
            while (running.get()) {
                producer.send(new ProducerRecord<>(in, Long.toString(n++).getBytes(), VALUE));
                if (n % BURST == 0) {
                    Blocking.pause(Duration.ofMillis(1));
                }
            }
        }
    }

    /** Serve's exactly-once cycle: read committed, write, send the offsets, commit; one transaction a poll. */
    private void transact() {
        String group = "warm-transact-" + UUID.randomUUID();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(group);
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                        kafka.producer(Map.<String, Object>of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, group)),
                        new ByteArraySerializer(),
                        new ByteArraySerializer())) {
            producer.initTransactions();
            consumer.subscribe(Set.of(in));
            while (running.get()) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                if (records.isEmpty()) {
                    continue;
                }
                producer.beginTransaction();
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    producer.send(new ProducerRecord<>(out, r.partition(), r.key(), r.value()));
                    offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                }
                producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                producer.commitTransaction();
            }
        }
    }

    /** The plain loop's and the benchmark reader's side: read committed, commit the offsets. */
    private void readAndCommit() {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer("warm-read-" + UUID.randomUUID())) {
            consumer.subscribe(Set.of(out));
            while (running.get()) {
                if (!consumer.poll(POLL).isEmpty()) {
                    consumer.commitSync();
                }
            }
        }
    }

    private KafkaConsumer<byte[], byte[]> consumer(String group) {
        return new KafkaConsumer<>(
                kafka.consumer(Map.<String, Object>of(
                        ConsumerConfig.GROUP_ID_CONFIG,
                        group,
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false)),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
    }

    private static Thread start(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void join(Thread t) {
        try {
            t.join(Duration.ofSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
