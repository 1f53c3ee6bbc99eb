package io.fovea.cli.produce;

import io.fovea.core.cli.KafkaOption;
import io.fovea.core.console.Progress;
import io.fovea.core.dataset.Dataset;
import io.fovea.schemas.Topics;
import io.fovea.schemas.kafka.KafkaConnection;
import io.fovea.schemas.kafka.TopicCreator;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
        name = "produce",
        mixinStandardHelpOptions = true,
        description = {
            "Produces labelled ImageEvents from CIFAR-10 batches or an image folder.",
            "An image folder has one sub-folder per class; its name is the label."
        })
public final class ProduceCommand implements Callable<Integer> {
    @Mixin
    KafkaOption kafka;

    @Option(
            names = "--data",
            required = true,
            paramLabel = "PATH",
            description = "A CIFAR-10 .bin file, a folder of them, or a folder of class sub-folders of PNG/JPEG files.")
    Path data;

    @Option(
            names = "--topic",
            defaultValue = Topics.IMAGES,
            description = "Topic to write (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--limit", paramLabel = "N", description = "Produce at most N images (default: all).")
    long limit = Long.MAX_VALUE;

    @Option(
            names = "--rate",
            paramLabel = "N",
            description = "At most N images a second (default: as fast as possible).")
    double rate;

    @Option(
            names = "--partitions",
            defaultValue = "4",
            description =
                    "Partitions if the topic must be created (default: ${DEFAULT-VALUE}); also the most stream-app instances that can share the work.")
    int partitions;

    @Option(
            names = "--run-id",
            paramLabel = "ID",
            description = "Prefix of the event ids, which are ID/origin (default: a new random one per run).")
    String runId = UUID.randomUUID().toString().substring(0, 8);

    @Option(
            names = "--format",
            defaultValue = "single-object",
            paramLabel = "FORMAT",
            description = "Wire format of the values: single-object (Avro single-object encoding), registry"
                    + " (schema-registry framing, ImageEvent registered under <topic>-value in the registry of"
                    + " schema.registry.url in --command-config) or file (the image as a PNG/JPEG file, label and"
                    + " attributes in fovea.* headers) (default: ${DEFAULT-VALUE}).")
    String format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Dataset dataset = Dataset.open(data);
        long total = Math.min(limit, dataset.size());
        KafkaConnection connection = kafka.connection();
        TopicCreator.ensure(connection, topic, partitions, false);
        long sent;
        ProducedFormat wire;
        try {
            wire = ProducedFormat.named(format, connection, topic);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        try (ImageEventProducer producer = new ImageEventProducer(connection, topic, wire);
                ProgressBar bar = Progress.bar("produce", total, "img")) {
            sent = producer.produce(dataset, total, rate, runId, bar::stepTo);
        }
        spec.commandLine()
                .getOut()
                .printf(
                        "Produced %d images from %s to %s as %s (event ids %s/...)%n",
                        sent, data, topic, format, runId);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
