package io.fovea.stream.batch;

import io.fovea.stream.FoveaTopology;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/** The pending-images store as a processor under test gets it: in memory, without a changelog. */
final class PendingStores {
    private PendingStores() {}

    /** A store opened on the context, not yet given to it. */
    static KeyValueStore<Long, byte[]> opened(MockProcessorContext<?, ?> context) {
        KeyValueStore<Long, byte[]> store = Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(FoveaTopology.PENDING_STORE), Serdes.Long(), Serdes.ByteArray())
                .withLoggingDisabled()
                .build();
        store.init(context.getStateStoreContext(), store);
        return store;
    }

    /** A store opened on the context and given to it, for the processor's init to find. */
    static KeyValueStore<Long, byte[]> added(MockProcessorContext<?, ?> context) {
        KeyValueStore<Long, byte[]> store = opened(context);
        context.addStateStore(store);
        return store;
    }
}
