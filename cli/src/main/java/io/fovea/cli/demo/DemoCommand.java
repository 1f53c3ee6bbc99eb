package io.fovea.cli.demo;

import io.fovea.broker.LocalKafkaBroker;
import io.fovea.core.console.Progress;
import io.fovea.cli.consume.RecordPrinter;
import io.fovea.cli.consume.TopicReader;
import io.fovea.cli.produce.ImageEventProducer;
import io.fovea.core.dataset.Dataset;
import io.fovea.schemas.TopicCreator;
import io.fovea.schemas.Topics;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The product end to end on one machine with nothing else running. For now: an in-process
 * broker, CIFAR-10 test images produced as ImageEvents, and read back through the same topic.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Runs Fovea end to end on this machine, with nothing else running.",
                "Starts an in-process Kafka, produces the CIFAR-10 test images to " + Topics.IMAGES,
                "and reads them back."})
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--data", paramLabel = "PATH",
            description = "CIFAR-10 test_batch.bin or its folder (default: $" + CifarLocator.ENV + ", then data/ and ../shared/datasets/ beside Fovea).")
    Path data;

    @Option(names = "--limit", paramLabel = "N", description = "Use only the first N test images (default: all 10,000).")
    long limit = Long.MAX_VALUE;

    @Option(names = "--show", defaultValue = "5", paramLabel = "N", description = "Print the first N records read back (default: ${DEFAULT-VALUE}).")
    int show;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Path foveaHome = Path.of(System.getProperty("fovea.home", "."));
        Path testBatch = CifarLocator.testBatch(data, System.getenv(CifarLocator.ENV), foveaHome);
        Dataset dataset = Dataset.open(testBatch);
        long total = Math.min(limit, dataset.size());
        PrintWriter out = spec.commandLine().getOut();
        try (LocalKafkaBroker broker = LocalKafkaBroker.startTemporary()) {
            out.println("Kafka started at " + broker.bootstrapServers() + " (in-process, data in " + broker.dataDir() + ")");
            TopicCreator.ensure(broker.bootstrapServers(), Topics.IMAGES, 4, false);

            long start = System.nanoTime();
            long produced;
            try (ImageEventProducer producer = new ImageEventProducer(broker.bootstrapServers(), Topics.IMAGES);
                 ProgressBar bar = Progress.bar("produce", total, "img")) {
                produced = producer.produce(dataset, total, 0, "demo", bar::stepTo);
            }
            double produceSeconds = (System.nanoTime() - start) / 1e9;

            out.flush();
            out.println("First " + show + " records read back from " + Topics.IMAGES + ":");
            RecordPrinter printer = new RecordPrinter(out, false, show);
            start = System.nanoTime();
            long read;
            try (TopicReader reader = new TopicReader(broker.bootstrapServers(), Topics.IMAGES)) {
                read = reader.read(produced, false, Duration.ofSeconds(30), () -> false, printer::print);
            }
            double readSeconds = (System.nanoTime() - start) / 1e9;
            long images = printer.countsByType().getOrDefault("ImageEvent", 0L);
            out.println();
            out.printf("%-28s %10d%n", "images produced", produced);
            out.printf("%-28s %10d%n", "image events read back", images);
            out.printf("%-28s %10.0f%n", "produce rate (images/s)", produced / produceSeconds);
            out.printf("%-28s %10.0f%n", "read rate (images/s)", read / readSeconds);
            if (images != produced || read != produced) {
                out.println("MISMATCH: read back " + read + " records, " + images + " image events, for " + produced + " produced");
                out.flush();
                return 1;
            }
            out.flush();
            return 0;
        }
    }
}
