package io.fovea.bench;

import io.fovea.avro.ClassScore;
import io.fovea.avro.ImageEvent;
import io.fovea.avro.Prediction;
import io.fovea.avro.SourcePosition;
import io.fovea.core.dataset.ClassLabels;
import io.fovea.core.image.RgbImage;
import io.fovea.schemas.kafka.KafkaConnection;
import io.fovea.schemas.serde.FoveaRecords;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The floor Fovea must beat: the consumer loop a user could write in an afternoon. Poll, decode
 * the single-object Avro, preprocess, ONNX Runtime in batches of up to {@code batch} with its
 * session defaults, produce each prediction, flush, commitSync: at least once, nothing else (no
 * validation, no dead letters, no hot-swaps). Runs in a JVM of its own, as serve does, until SIGTERM.
 *
 * <p>Arguments: bootstrap servers, input topic, output topic, consumer group, the {@code model.onnx}
 * file, the batch size.
 */
public final class PlainLoop {
    /** Printed once the consumer has its partitions. */
    static final String READY = "plain loop: partitions assigned";

    private static final int TOP_K = 3;

    private PlainLoop() {}

    public static void main(String[] args) {
        KafkaConnection kafka = KafkaConnection.to(args[0]);
        String input = args[1];
        String output = args[2];
        int batch = Integer.parseInt(args[5]);
        CountDownLatch done = new CountDownLatch(1);
        try (PlainSession session = new PlainSession(Path.of(args[4]));
                KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                        kafka.consumer(Map.of(
                                ConsumerConfig.GROUP_ID_CONFIG,
                                args[3],
                                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                                "earliest",
                                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                                false)),
                        new ByteArrayDeserializer(),
                        new ByteArrayDeserializer());
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                        kafka.producer(Map.of(ProducerConfig.ACKS_CONFIG, "all")),
                        new ByteArraySerializer(),
                        new ByteArraySerializer())) {
            Thread loop = Thread.currentThread();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                consumer.wakeup();
                try {
                    done.await();
                    loop.join(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            consumer.subscribe(Set.of(input), new Announce());
            try {
                while (true) {
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                    List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>(records.count());
                    records.forEach(all::add);
                    for (int from = 0; from < all.size(); from += batch) {
                        classify(all.subList(from, Math.min(all.size(), from + batch)), session, producer, output);
                    }
                    if (!all.isEmpty()) {
                        producer.flush();
                        consumer.commitSync();
                    }
                }
            } catch (WakeupException stopping) {
                // SIGTERM: what was produced and not committed is read again by whoever comes next
            }
        } finally {
            done.countDown();
        }
    }

    private static void classify(
            List<ConsumerRecord<byte[], byte[]>> records,
            PlainSession session,
            KafkaProducer<byte[], byte[]> producer,
            String output) {
        float[] batch = new float[records.size() * PlainSession.PER_IMAGE];
        List<ImageEvent> events = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            ImageEvent event = FoveaRecords.IMAGE_EVENT.decode(records.get(i).value());
            byte[] pixels = new byte[event.getPixels().remaining()];
            event.getPixels().duplicate().get(pixels);
            session.preprocess(new RgbImage(event.getWidth(), event.getHeight(), pixels), batch, i);
            events.add(event);
        }
        long start = System.nanoTime();
        float[][] probabilities = session.run(batch, records.size());
        double inferenceMillis = (System.nanoTime() - start) / 1e6;
        Instant now = Instant.now();
        for (int i = 0; i < records.size(); i++) {
            ConsumerRecord<byte[], byte[]> record = records.get(i);
            Prediction prediction =
                    prediction(events.get(i), probabilities[i], record, records.size(), inferenceMillis, now);
            producer.send(new ProducerRecord<>(
                    output,
                    null,
                    now.toEpochMilli(),
                    prediction.getId().getBytes(StandardCharsets.UTF_8),
                    FoveaRecords.PREDICTION.encode(prediction)));
        }
    }

    private static Prediction prediction(
            ImageEvent event,
            float[] probabilities,
            ConsumerRecord<byte[], byte[]> record,
            int batchSize,
            double inferenceMillis,
            Instant now) {
        List<ClassScore> top = new ArrayList<>(TOP_K);
        boolean[] taken = new boolean[probabilities.length];
        for (int k = 0; k < TOP_K; k++) {
            int best = -1;
            for (int c = 0; c < probabilities.length; c++) {
                if (!taken[c] && (best < 0 || probabilities[c] > probabilities[best])) {
                    best = c;
                }
            }
            taken[best] = true;
            top.add(new ClassScore(best, ClassLabels.CIFAR10.get(best), probabilities[best]));
        }
        return Prediction.newBuilder()
                .setId(event.getId())
                .setLabel(top.get(0).getLabel())
                .setLabelIndex(top.get(0).getLabelIndex())
                .setConfidence(top.get(0).getProbability())
                .setTopK(top)
                .setModelName("plain-loop")
                .setModelVersion(1)
                .setEventTime(event.getEventTime())
                .setPredictionTime(now)
                .setBatchSize(batchSize)
                .setQueueMillis(0)
                .setInferenceMillis(inferenceMillis)
                .setSource(new SourcePosition(record.topic(), record.partition(), record.offset()))
                .setTrueLabel(event.getLabel())
                .setAttributes(event.getAttributes())
                .build();
    }

    /** Says when the loop has its partitions, so the benchmark offers load only then. */
    private static final class Announce implements ConsumerRebalanceListener {
        private boolean said;

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // nothing held between polls
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (!said && !partitions.isEmpty()) {
                said = true;
                System.out.println(READY);
                System.out.flush();
            }
        }
    }
}
