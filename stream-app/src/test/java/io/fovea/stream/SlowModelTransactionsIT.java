package io.fovea.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.core.runtime.NativeBackend;
import io.fovea.stream.config.StreamConfig;
import io.fovea.testing.KafkaTestClients;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model so slow that the stream thread, waiting for its batches, would hold a transaction open
 * past the producer's timeout: as a 224×224 VGG16 on two cores does under a backlog. The broker
 * aborts such a transaction and fences the producer; its predictions stay in the log, visible to a
 * read_uncommitted reader, and the tasks classify their images again.
 */
class SlowModelTransactionsIT {
    @TempDir
    Path stateDir;

    @BeforeAll
    static void backend() {
        NativeBackend.configure();
    }

    @Test
    void aModelSlowerThanTheTransactionTimeoutAbortsNoTransactionAndPredictsEachImageOnce() throws Exception {
        StreamTestKit kit = new StreamTestKit(1);
        // Waits end 1.25 s after a commit. Without that bound, once the task has its four batches
        // in flight, closing the next waits for the oldest's pass, up to 3 s: each such transaction
        // outlasts the timeout, and the broker (which looks every second) aborts it.
        kit.extra.put("kafka.transaction.timeout.ms", "2500");
        FakeModel model = new FakeModel(1);
        model.passMillis = 3000;
        int n = 160;
        try (KafkaProducer<byte[], byte[]> producer = StreamTestKit.producer()) {
            for (String id : StreamTestKit.ids("s", n)) {
                kit.send(producer, id, TestImages.bytes(id, id.hashCode() & 3, 1));
            }
            producer.flush();
        }
        try (StreamApp app = new StreamApp(StreamConfig.of(kit.settings(stateDir.toString())), model).start()) {
            Map<String, Integer> counts = StreamTestKit.counts(kit.predictedIds(n, Duration.ofSeconds(120)));
            assertEquals(n, counts.size(), "every image predicted");
            assertTrue(counts.values().stream().allMatch(c -> c == 1), "none twice: " + counts);

            List<?> everything = KafkaTestClients.readUncommitted(kit.predictions, n + 1, Duration.ofSeconds(5));
            assertEquals(n, everything.size(), "no aborted transaction left predictions in the log");
            double cut =
                    app.metrics().registry().counter("fovea.model.waits.cut").count();
            assertTrue(cut > 0, "the thread went on without waiting, to end its transaction in time");
        }
    }
}
