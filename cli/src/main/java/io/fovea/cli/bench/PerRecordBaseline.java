package io.fovea.cli.bench;

import io.fovea.avro.ClassScore;
import io.fovea.avro.Prediction;
import io.fovea.avro.SourcePosition;
import io.fovea.schemas.serde.FoveaRecords;
import io.fovea.stream.config.StreamConfig;
import io.fovea.stream.model.ModelRunner;
import io.fovea.stream.limits.SizeBudget;
import io.fovea.stream.validate.AcceptedImage;
import io.fovea.stream.validate.ImageValidator;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The pattern of most Kafka Streams ML examples, for comparison: {@code mapValues} calls the
 * model once per record. Same model, same validation, same exactly-once guarantee.
 */
final class PerRecordBaseline implements AutoCloseable {
    private final KafkaStreams streams;

    PerRecordBaseline(StreamConfig config, ModelRunner model) {
        ImageValidator validator = new ImageValidator(SizeBudget.atKafkaDefaults().maxPayloadBytes(),
                config.getLong(StreamConfig.MAX_IMAGE_PIXELS));
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(config.get(StreamConfig.INPUT_TOPIC), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .mapValues(value -> {
                    AcceptedImage image = validator.validate(value);
                    long start = System.nanoTime();
                    INDArray probabilities = model.predict(List.of(image.image()));
                    int best = probabilities.argMax(1).getInt(0);
                    Prediction p = Prediction.newBuilder().setId(image.event().getId())
                            .setLabel(model.labels().get(best)).setLabelIndex(best)
                            .setConfidence(probabilities.getFloat(0, best))
                            .setTopK(List.of(new ClassScore(best, model.labels().get(best), probabilities.getFloat(0, best))))
                            .setModelName(model.name()).setModelVersion(model.version())
                            .setEventTime(image.event().getEventTime()).setPredictionTime(Instant.now())
                            .setBatchSize(1).setQueueMillis(0).setInferenceMillis((System.nanoTime() - start) / 1e6)
                            .setSource(new SourcePosition(config.get(StreamConfig.INPUT_TOPIC), -1, -1L))
                            .setTrueLabel(image.event().getLabel()).setAttributes(image.event().getAttributes())
                            .build();
                    probabilities.close();
                    return FoveaRecords.PREDICTION.encode(p);
                })
                .to(config.get(StreamConfig.OUTPUT_TOPIC), Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
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
        streams.close(java.time.Duration.ofSeconds(30));
    }
}
