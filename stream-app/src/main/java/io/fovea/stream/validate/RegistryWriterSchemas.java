package io.fovea.stream.validate;

import io.fovea.schemas.registry.RegistryRefusalException;
import io.fovea.schemas.registry.RegistryUnavailableException;
import io.fovea.schemas.registry.SchemaRegistryClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writer schemas from the registry, fetched on a thread of their own and retried there with
 * backoff while the registry does not answer. The stream thread waits at most {@link #ANSWER_WAIT}
 * for a schema (not at all while the registry is known to be down), then gets a
 * {@link RegistryUnavailableException}: it holds the record back (never a dead letter) and never
 * blocks long enough to break its transaction. The registry's refusals (an unknown id) go through.
 */
public final class RegistryWriterSchemas implements WriterSchemas, AutoCloseable {
    /** Told when processing starts and stops waiting for the registry (StreamApp pauses and resumes). */
    public interface Listener {
        void waiting(String why);

        void answering();
    }

    /** Well below Kafka Streams' transaction timeout under exactly-once (10 s by default). */
    static final Duration ANSWER_WAIT = Duration.ofSeconds(2);

    static final Duration FIRST_RETRY = Duration.ofMillis(100);
    static final Duration LONGEST_RETRY = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(RegistryWriterSchemas.class);

    private final SchemaRegistryClient client;
    private final Map<Integer, Schema> known = new ConcurrentHashMap<>();
    private final Map<Integer, CompletableFuture<Schema>> asking = new ConcurrentHashMap<>();
    private final ExecutorService fetchers;
    private volatile Listener listener = new Listener() {
        @Override
        public void waiting(String why) {}

        @Override
        public void answering() {}
    };
    /** Why processing waits, for /ready; null while the registry answers. */
    private String waitingBecause;

    public RegistryWriterSchemas(SchemaRegistryClient client) {
        this.client = client;
        AtomicInteger count = new AtomicInteger();
        this.fetchers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fovea-registry-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public void listen(Listener listener) {
        this.listener = listener;
    }

    /**
     * @throws RegistryUnavailableException when the registry has not answered in time: ask again later
     * @throws RegistryRefusalException when it answered no (notFound for an unknown id)
     */
    @Override
    public Schema byId(int id) {
        Schema schema = known.get(id);
        if (schema != null) {
            return schema;
        }
        CompletableFuture<Schema> answer = asking.computeIfAbsent(id, this::ask);
        try {
            long wait = waitingBecause() == null ? ANSWER_WAIT.toMillis() : 0;
            schema = answer.get(wait, TimeUnit.MILLISECONDS);
            asking.remove(id, answer);
            return schema;
        } catch (ExecutionException e) {
            asking.remove(id, answer); // a refusal now need not be one later: ask again next time
            if (e.getCause() instanceof RegistryRefusalException refusal) {
                throw refusal;
            }
            throw new IllegalStateException("asking the registry for schema " + id + " failed", e.getCause());
        } catch (TimeoutException e) {
            String why = "waiting for the schema registry to give writer schema " + id
                    + (waitingBecause() == null ? " (no answer within " + ANSWER_WAIT.toMillis() + " ms)" : "");
            startWaiting(why);
            if (answer.isDone()) {
                stopWaitingIfAnswered(); // it answered in between: no one else would clear the state
            }
            throw new RegistryUnavailableException(waitingBecause(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryUnavailableException("interrupted while waiting for the schema registry", e);
        }
    }

    /** Why processing waits for the registry, or null when it does not. */
    public synchronized String waitingBecause() {
        return waitingBecause;
    }

    private CompletableFuture<Schema> ask(int id) {
        CompletableFuture<Schema> answer = CompletableFuture.supplyAsync(() -> fetch(id), fetchers);
        answer.whenComplete((schema, error) -> stopWaitingIfAnswered());
        return answer;
    }

    /** Asks until the registry answers, yes or no. */
    private Schema fetch(int id) {
        long retry = FIRST_RETRY.toMillis();
        while (true) {
            try {
                Schema schema = client.schemaById(id);
                known.put(id, schema);
                return schema;
            } catch (RegistryUnavailableException e) {
                startWaiting("waiting for the schema registry (writer schema " + id + "): " + e.getMessage());
                try {
                    Thread.sleep(retry);
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt();
                    throw new RegistryUnavailableException("stopped while waiting for the schema registry", stop);
                }
                retry = Math.min(retry * 2, LONGEST_RETRY.toMillis());
            }
        }
    }

    private void startWaiting(String why) {
        boolean first;
        synchronized (this) {
            first = waitingBecause == null;
            waitingBecause = why;
        }
        if (first) {
            LOG.warn("Processing waits for the schema registry: {}", why);
            listener.waiting(why);
        }
    }

    private void stopWaitingIfAnswered() {
        synchronized (this) {
            if (waitingBecause == null || asking.values().stream().anyMatch(a -> !a.isDone())) {
                return;
            }
            waitingBecause = null;
        }
        LOG.info("The schema registry answers again; processing goes on");
        listener.answering();
    }

    @Override
    public void close() {
        fetchers.shutdownNow();
    }
}
