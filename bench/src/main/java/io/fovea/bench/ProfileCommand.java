package io.fovea.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bench profile}: where a serve's Java threads spent a flight recording, by thread and by
 * step of a record's path (the step of the innermost frame that names one). Java samples and
 * native samples are weighed by their sampling periods; a thread waiting in epoll or parked is
 * shown as waiting. ONNX Runtime's own pool threads are native and not in a recording: {@code
 * bench pipeline}'s CPU table has them.
 */
@Command(
        name = "profile",
        mixinStandardHelpOptions = true,
        description = {
            "Summarises a flight recording of serve: milliseconds of samples by thread and step of the path.",
            "Record with bench pipeline --serve-jvm \"... -XX:StartFlightRecording=filename=DIR/,settings=profile\"."
        })
final class ProfileCommand implements Callable<Integer> {
    /** A step of the path, and the frames (class or method name parts) that mark it, first match wins. */
    private record Step(String name, List<String> marks) {}

    private static final List<Step> STEPS = List.of(
            new Step("ONNX Runtime forward pass", List.of("ai.onnxruntime.OrtSession.run")),
            new Step("preprocessing", List.of("ImagePreprocessor")),
            new Step("probabilities as ND4J arrays", List.of("org.nd4j")),
            new Step(
                    "validation and Avro decoding",
                    List.of("ImageValidator", "org.apache.avro", "SingleObjectCodec.decode")),
            new Step(
                    "held copies (pending-images store, its cache and changelog)",
                    List.of("HeldCopy", "PendingImages", "org.apache.kafka.streams.state")),
            new Step("predictions built and encoded", List.of("Predictions", "SingleObjectCodec.encode")),
            new Step(
                    "records forwarded to the sinks",
                    List.of("Emission", "ClassifyProcessor.forward", "RecordCollector")),
            new Step("commits and transactions", List.of("commit", "Transaction", "StreamsProducer")),
            new Step("metrics", List.of("micrometer", "StreamMetrics")),
            new Step("Kafka client I/O", List.of("org.apache.kafka.clients", "org.apache.kafka.common.network")));

    private static final List<String> WAITING = List.of("EPoll.wait", "Unsafe.park", "Object.wait", "Thread.sleep");

    @Parameters(paramLabel = "FILE", description = "A .jfr file of serve.")
    Path file;

    @Option(
            names = "--skip-seconds",
            defaultValue = "30",
            description =
                    "Seconds from the recording's start left out: start-up and warm-up (default: ${DEFAULT-VALUE}).")
    int skipSeconds;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Map<String, Map<String, Double>> byThread = new TreeMap<>();
        Instant from = null;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            String type = e.getEventType().getName();
            boolean java = type.equals("jdk.ExecutionSample");
            if (!java && !type.equals("jdk.NativeMethodSample")) {
                continue;
            }
            from = from == null ? e.getStartTime().plusSeconds(skipSeconds) : from;
            if (e.getStartTime().isBefore(from) || e.getThread("sampledThread") == null) {
                continue;
            }
            // profile.jfc samples Java every 10 ms and native every 20 ms
            double millis = java ? 10 : 20;
            byThread.computeIfAbsent(thread(e.getThread("sampledThread").getJavaName()), t -> new TreeMap<>())
                    .merge(step(e, java), millis, Double::sum);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                "Samples of %s from %d s after its start, ms (Java every 10 ms, native every 20 ms):%n%n",
                file.getFileName(), skipSeconds);
        out.println("| thread | step | ms | share of the thread |");
        out.println("| --- | --- | ---: | ---: |");
        byThread.forEach((thread, steps) -> {
            double all =
                    steps.values().stream().mapToDouble(Double::doubleValue).sum();
            steps.entrySet().stream()
                    .sorted(Map.Entry.comparingByValue((a, b) -> Double.compare(b, a)))
                    .forEach(s -> out.printf(
                            "| %s | %s | %.0f | %.1f%% |%n",
                            thread, s.getKey(), s.getValue(), 100 * s.getValue() / all));
        });
        out.flush();
        return 0;
    }

    private static String thread(String name) {
        if (name == null) {
            return "?";
        } else if (name.contains("StreamThread") && !name.contains("producer")) {
            return "Kafka Streams stream thread";
        } else if (name.contains("producer-network-thread")) {
            return "producer I/O thread";
        }
        return name.replaceAll("\\d+$", "").replaceAll(" \\|.*", "");
    }

    private static String step(RecordedEvent e, boolean java) {
        List<RecordedFrame> frames =
                e.getStackTrace() == null ? List.of() : e.getStackTrace().getFrames();
        if (!java && !frames.isEmpty()) {
            String top = name(frames.get(0));
            if (WAITING.stream().anyMatch(top::contains)) {
                return "waiting (epoll, parked, sleeping)";
            }
        }
        for (Step step : STEPS) {
            for (RecordedFrame frame : frames) {
                String name = name(frame);
                if (step.marks().stream().anyMatch(name::contains)) {
                    return step.name();
                }
            }
        }
        return "other";
    }

    private static String name(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }
}
