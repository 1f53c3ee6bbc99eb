package io.fovea.stream;

import java.util.Map;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * A store that holds nothing and says it is persistent, so that Kafka Streams keeps its process id
 * in the state directory: it does so only for a topology with a persistent store, and serve's
 * pending images live in memory. An exactly-once stream thread's transactional id is made of that
 * process id, so a serve restarted on the same state directory after kill -9 has its
 * predecessor's, and its first transaction aborts the one the predecessor left open at once.
 * With a new process id at every start, that open transaction held back the input's committed
 * offsets until the broker timed it out, and the restart waited 10 s and more for them.
 */
final class ProcessIdAnchor implements StateStore {
    static final String NAME = "process-id-anchor";

    private boolean open;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        context.register(root, (key, value) -> {
            // no changelog: nothing to restore
        });
        open = true;
    }

    @Override
    public void flush() {
        // holds nothing
    }

    @Override
    public void close() {
        open = false;
    }

    @Override
    public boolean persistent() {
        return true;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    /** Builds the anchor; it has no changelog and no cache, whatever is asked. */
    static StoreBuilder<ProcessIdAnchor> builder() {
        return new StoreBuilder<>() {
            @Override
            public StoreBuilder<ProcessIdAnchor> withCachingEnabled() {
                return this;
            }

            @Override
            public StoreBuilder<ProcessIdAnchor> withCachingDisabled() {
                return this;
            }

            @Override
            public StoreBuilder<ProcessIdAnchor> withLoggingEnabled(Map<String, String> config) {
                return this;
            }

            @Override
            public StoreBuilder<ProcessIdAnchor> withLoggingDisabled() {
                return this;
            }

            @Override
            public ProcessIdAnchor build() {
                return new ProcessIdAnchor();
            }

            @Override
            public Map<String, String> logConfig() {
                return Map.of();
            }

            @Override
            public boolean loggingEnabled() {
                return false;
            }

            @Override
            public String name() {
                return NAME;
            }
        };
    }
}
