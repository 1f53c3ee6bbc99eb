package io.fovea.core.store.ledger;

import io.fovea.avro.StoreEntry;
import io.fovea.schemas.kafka.KafkaConnection;
import io.fovea.schemas.kafka.KafkaFailures;
import io.fovea.schemas.kafka.TopicCreator;
import io.fovea.schemas.serde.FoveaRecords;
import io.fovea.schemas.serde.UndecodableRecordException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The object store's ledger: a one-partition Kafka topic whose order is the order of every
 * version number taken, every version made visible and every promotion, which an object store
 * that may not honour conditional writes cannot give.
 *
 * <p>Writes to one model are made one at a time: each is a transaction under the transactional id
 * {@code fovea-store-<model>}, and a writer that starts one fences every earlier writer of that
 * model (Kafka aborts their open transaction and refuses their commit). Inside it the writer reads
 * the whole committed ledger, decides from the model's history, appends, and commits; a fenced
 * writer starts again. So two trainers never take the same number and two promotions never lose
 * one another, whatever the object store does.
 */
public final class Ledger implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Ledger.class);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);
    private static final int MAX_ATTEMPTS = 50;
    /** Prefix of each model's transactional id; ACLs grant WRITE on it (bin/fovea acls --role models). */
    public static final String TRANSACTIONAL_ID_PREFIX = "fovea-store-";

    private final KafkaConnection kafka;
    private final String topic;
    private final TopicPartition partition;
    private final Admin admin;
    private final KafkaConsumer<byte[], byte[]> reader;
    private final List<StoreEntry> read = new ArrayList<>();
    private final String writer = writerName();

    public Ledger(KafkaConnection kafka, String topic) {
        this.kafka = kafka;
        this.topic = topic;
        this.partition = new TopicPartition(topic, 0);
        TopicCreator.ensure(kafka, topic, 1, true);
        this.admin = kafka.newAdmin();
        this.reader = kafka.committedReader("fovea-store-ledger");
        reader.assign(List.of(partition));
        reader.seekToBeginning(List.of(partition));
    }

    public String topic() {
        return topic;
    }

    /** The model's committed history, as of now. */
    public synchronized ModelHistory history(String model) {
        catchUp();
        return historyOf(model);
    }

    /** Every model with at least one published version, as of now. */
    public synchronized List<String> models() {
        catchUp();
        return read.stream()
                .map(e -> e.getModel().toString())
                .distinct()
                .filter(model -> !historyOf(model).manifests().isEmpty())
                .sorted()
                .toList();
    }

    /**
     * Appends what {@code decide} makes of the model's current history, as the only writer of
     * that model while it decides. {@code decide} may run more than once (after being fenced) and
     * may throw to write nothing.
     */
    public <T> T append(String model, Function<ModelHistory, LedgerWrite<T>> decide) {
        String writeId = UUID.randomUUID().toString();
        LedgerWrite<T> sent = null;
        KafkaException last = null;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            try (KafkaProducer<byte[], byte[]> producer = transactionalProducer(model)) {
                try {
                    producer.initTransactions(); // fences every earlier writer of this model
                    ModelHistory history = history(model);
                    if (sent != null && history.written(writeId)) {
                        return sent.result(); // an earlier attempt committed after all
                    }
                    LedgerWrite<T> write = decide.apply(history);
                    sent = write;
                    producer.beginTransaction();
                    producer.send(new ProducerRecord<>(
                            topic, 0, key(model, history.nextSequence()), encode(model, history, write, writeId)));
                    for (ProducerRecord<byte[], byte[]> record : write.alongside()) {
                        producer.send(record);
                    }
                    producer.commitTransaction();
                    return write.result();
                } catch (KafkaException e) {
                    if (denied(e)) {
                        throw e;
                    }
                    // fenced by another writer of this model, or the commit's outcome is unknown:
                    // start again; the next writer's fence settles this one's transaction
                    last = e;
                    producer.close(Duration.ZERO);
                    sleepQuietly(ThreadLocalRandom.current().nextLong(20, 100L * Math.min(attempt, 10)));
                }
            } catch (KafkaException e) {
                throw new IllegalStateException(
                        "cannot write to the store's ledger " + topic + ": " + KafkaFailures.oneLine(e), e);
            }
        }
        throw new IllegalStateException(
                "cannot write to the store's ledger " + topic + " for '" + model + "' after " + MAX_ATTEMPTS
                        + " attempts: " + last.getMessage(),
                last);
    }

    private static boolean denied(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof AuthorizationException || t instanceof AuthenticationException) {
                return true;
            }
        }
        return false;
    }

    private KafkaProducer<byte[], byte[]> transactionalProducer(String model) {
        return new KafkaProducer<>(
                kafka.producer(Map.of(
                        ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                        TRANSACTIONAL_ID_PREFIX + model,
                        ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                        60_000,
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.CLIENT_ID_CONFIG,
                        "fovea-store-" + model)),
                new ByteArraySerializer(),
                new ByteArraySerializer());
    }

    private byte[] encode(String model, ModelHistory history, LedgerWrite<?> write, String writeId) {
        return FoveaRecords.STORE_ENTRY.encode(StoreEntry.newBuilder()
                .setModel(model)
                .setSequence(history.nextSequence())
                .setAction(write.action())
                .setVersion(write.version())
                .setManifestSha256(write.manifestSha256())
                .setAt(Instant.now())
                .setWriter(writer)
                .setWriteId(writeId)
                .build());
    }

    static byte[] key(String model, int sequence) {
        return (model + "/" + sequence).getBytes(StandardCharsets.UTF_8);
    }

    /** Entries of {@code model} in ledger order; one out of sequence (never written by a ledger writer) is left out. */
    private ModelHistory historyOf(String model) {
        List<StoreEntry> entries = new ArrayList<>();
        for (StoreEntry e : read) {
            if (e.getModel().toString().equals(model) && e.getSequence() == entries.size() + 1) {
                entries.add(e);
            }
        }
        return new ModelHistory(model, entries);
    }

    /**
     * Reads everything committed up to the partition's high watermark. Reading only to the last
     * stable offset could stop short of a committed entry behind another model's open transaction.
     */
    private void catchUp() {
        long end = highWatermark();
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
        while (reader.position(partition) < end) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("cannot read the store's ledger " + topic + " to offset " + end
                        + " within " + READ_TIMEOUT.toSeconds() + " s (an open transaction, or the broker is down)");
            }
            for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(200))) {
                try {
                    read.add(FoveaRecords.STORE_ENTRY.decode(record.value()));
                } catch (UndecodableRecordException e) {
                    LOG.warn(
                            "Ledger {} offset {}: not a store entry, ignored: {}",
                            topic,
                            record.offset(),
                            e.getMessage());
                }
            }
        }
    }

    private long highWatermark() {
        try {
            return admin.listOffsets(
                            Map.of(partition, OffsetSpec.latest()),
                            new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED))
                    .partitionResult(partition)
                    .get()
                    .offset();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the store's ledger", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "cannot read the store's ledger " + topic + ": " + KafkaFailures.oneLine(e.getCause()),
                    e.getCause());
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing to the store's ledger", e);
        }
    }

    private static String writerName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        return host + " pid " + ManagementFactory.getRuntimeMXBean().getPid();
    }

    @Override
    public synchronized void close() {
        reader.close();
        admin.close();
    }
}
