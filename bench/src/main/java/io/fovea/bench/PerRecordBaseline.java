package io.fovea.bench;

import io.fovea.avro.Prediction;
import io.fovea.avro.SourcePosition;
import io.fovea.schemas.serde.FoveaRecords;
import io.fovea.stream.config.StreamConfig;
import io.fovea.stream.config.StreamOptions;
import io.fovea.stream.limits.SizeBudget;
import io.fovea.stream.model.BatchResult;
import io.fovea.stream.model.ModelRunner;
import io.fovea.stream.model.Probabilities;
import io.fovea.stream.predict.Predictions;
import io.fovea.stream.validate.AcceptedImage;
import io.fovea.stream.validate.ImageValidator;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The pattern of most Kafka Streams ML examples, for comparison: {@code mapValues} calls the
 * model once per record. Same model, same validation, same exactly-once guarantee.
 */
final class PerRecordBaseline implements AutoCloseable {
    private final KafkaStreams streams;

    PerRecordBaseline(StreamConfig config, ModelRunner model) {
        ImageValidator validator = new ImageValidator(
                SizeBudget.atKafkaDefaults().maxPayloadBytes(),
                config.decodeLimits().maxImagePixels());
        String input = config.get(StreamOptions.INPUT_TOPIC);
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(input, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .mapValues(value -> {
                    AcceptedImage image = validator.validate(value);
                    long start = System.nanoTime();
                    Probabilities probabilities = model.predict(List.of(image.image()));
                    BatchResult one = new BatchResult(
                            probabilities, model.name(), model.version(), model.labels(), new int[] {1}, 0, new long[] {
                                System.nanoTime() - start
                            });
                    Prediction p = Predictions.of(
                            image.event(), one, 0, 1, new SourcePosition(input, -1, -1L), 0, Instant.now());
                    return FoveaRecords.PREDICTION.encode(p);
                })
                .to(config.get(StreamOptions.OUTPUT_TOPIC), Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
        streams = new KafkaStreams(builder.build(), config.streamsProperties());
    }

    void start() {
        streams.start();
    }

    KafkaStreams.State state() {
        return streams.state();
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(30));
    }
}
