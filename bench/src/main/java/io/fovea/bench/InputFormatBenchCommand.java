package io.fovea.bench;

import io.fovea.schemas.kafka.KafkaConnection;
import io.fovea.schemas.kafka.TopicCreator;
import io.fovea.stream.model.ModelRunner;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench formats}: the pipeline's throughput with the same images in each input format, the
 * formats alternated round by round in one run, as ratios to raw pixels in single-object Avro.
 */
@Command(
        name = "formats",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Measures the pipeline with the same 32x32 images in each input format: raw pixels in single-object"
                    + " Avro, raw pixels registry-framed (a registry lookup per new schema id), PNG inside single-object"
                    + " Avro and plain PNG files (PNG decoding), alternated in rounds, as ratios to the first."
        })
final class InputFormatBenchCommand extends BenchRun {
    @Option(names = "--events", defaultValue = "4000", description = "Images per run (default: ${DEFAULT-VALUE}).")
    int events;

    @Option(names = "--batch", defaultValue = "32", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--rounds", defaultValue = "3", description = "Rounds (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(
            names = "--registry",
            paramLabel = "URL",
            description = "A schema registry's Confluent-compatible API; without it the registry row is left out.")
    String registry;

    @Override
    void measure(PrintWriter out, KafkaConnection servers, Path work) {
        Map<String, String> settings = new HashMap<>();
        if (registry != null) {
            settings.put("kafka.schema.registry.url", registry);
        }
        PipelineBench pipeline = new PipelineBench(servers, work, settings);
        InputFormatLoad load = new InputFormatLoad(servers, registry);
        Map<InputFormatLoad.Format, String> topics = new EnumMap<>(InputFormatLoad.Format.class);
        for (InputFormatLoad.Format format : InputFormatLoad.Format.values()) {
            if (format != InputFormatLoad.Format.REGISTRY || registry != null) {
                String topic = "bench-format-" + UUID.randomUUID().toString().substring(0, 6);
                TopicCreator.ensure(servers, topic, PipelineBench.PARTITIONS, false);
                load.fill(topic, events, format);
                topics.put(format, topic);
            }
        }
        Map<InputFormatLoad.Format, List<Double>> rates = new EnumMap<>(InputFormatLoad.Format.class);
        try (ModelRunner model = BenchModel.runner(32, true)) {
            pipeline.run(model, topics.get(InputFormatLoad.Format.SINGLE_OBJECT), events, batch); // JIT warm-up
            for (int round = 0; round < rounds; round++) {
                for (var entry : topics.entrySet()) {
                    double rate =
                            pipeline.run(model, entry.getValue(), events, batch).imagesPerSecond();
                    rates.computeIfAbsent(entry.getKey(), f -> new ArrayList<>())
                            .add(rate);
                    PrintWriter err = spec.commandLine().getErr();
                    err.printf("round %d, %s: %.0f img/s%n", round + 1, entry.getKey().row, rate);
                    err.flush();
                }
            }
        }
        out.printf(
                "Pipeline throughput by input format: %d 32x32 images a run, batch %d, %d rounds (median)%n%n",
                events, batch, rounds);
        out.println("| input format | images/s | vs raw single-object |");
        out.println("| --- | ---: | ---: |");
        double base = median(rates.get(InputFormatLoad.Format.SINGLE_OBJECT));
        for (var entry : rates.entrySet()) {
            double rate = median(entry.getValue());
            out.printf("| %s | %.0f | %.2f |%n", entry.getKey().row, rate, rate / base);
        }
        out.flush();
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
