package io.fovea.bench;

import io.fovea.core.runtime.Blocking;
import io.fovea.schemas.kafka.TopicCreator;
import io.fovea.stream.model.ModelRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The model alone, the plain loop and Fovea under both guarantees on the same broker, images and
 * model, in rounds that each start one measurement later, so that the machine's drift hits all
 * alike. Throughput is read downstream (read_committed): the predictions made (by their
 * predictionTime) from the arrival of the first quarter's last prediction to the last one made,
 * so that start-up and warm-up stay out and a commit interval's burst of arrivals counts no
 * prediction made before the span. Each contender's CPU by thread comes from the kernel over the
 * span, per prediction made in it.
 */
final class PipelineComparison {
    private static final Duration SETTLE = Duration.ofMillis(500);
    private static final Duration PATIENCE = Duration.ofMinutes(10);
    /** Each measurement of the model alone beside a pipeline's run. */
    static final double BESIDE_SECONDS = 4;

    /** Rows of the CPU table that are not the contender's threads. */
    static final String BENCH_JVM = "(benchmark's JVM: broker, reader)";

    /** The benchmark JVM's own thread groups, each under this prefix: the broker's share by thread. */
    static final String IN_BENCH_JVM = "  of which ";

    static final String OTHER_PROCESSES = "(other processes on the machine)";
    static final String IDLE = "(idle)";

    private final Contender.Setup setup;
    private final List<Contender> contenders;
    private final Map<String, ModelRunner> models;
    private final Map<String, PlainSession> plains;
    private final Map<String, PlainSession> shared;
    /** Images per run at each precision: about as long a run at each (see {@link #eventsByPrecision}). */
    private final Map<String, Integer> events;

    private final double seconds;

    /**
     * @param models the served version at each precision, opened in this JVM as serve opens it, for the model alone
     * @param plains the same model files in sessions with ONNX Runtime's defaults, by precision
     * @param shared the same in sessions whose threads are the cores shared out among {@link Contender#PASSES} passes
     * @param events images per run at each precision
     */
    PipelineComparison(
            Contender.Setup setup,
            List<Contender> contenders,
            Map<String, ModelRunner> models,
            Map<String, PlainSession> plains,
            Map<String, PlainSession> shared,
            Map<String, Integer> events,
            double seconds) {
        this.setup = setup;
        this.contenders = contenders;
        this.models = models;
        this.plains = plains;
        this.shared = shared;
        this.events = Map.copyOf(events);
        this.seconds = seconds;
    }

    /**
     * Images per run at each precision: {@code events} at the slowest, and at the others as many
     * more as their model alone is faster, so that every run lasts about as long. A run's fixed
     * costs (joining the group, the first transactions, the contender's compiler) then weigh alike
     * on a fast model and a slow one, as they do on a serve that runs for days: on 9,000 images
     * int8's measured span was some 6 s against fp32's 20.
     *
     * @param speeds images per second of the model alone at each precision
     */
    static Map<String, Integer> eventsByPrecision(int events, Map<String, Double> speeds) {
        double slowest =
                speeds.values().stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        Map<String, Integer> byPrecision = new LinkedHashMap<>();
        speeds.forEach((precision, speed) -> byPrecision.put(precision, (int) Math.round(events * speed / slowest)));
        return byPrecision;
    }

    /** Throughput of {@code rounds} rounds, each precision from a topic of its images, printing each round as it ends. */
    List<ComparisonRound> throughput(int rounds, java.io.PrintWriter out) {
        Map<String, String> inputs = new LinkedHashMap<>();
        ImageLoad images = new ImageLoad(setup.kafka(), setup.images());
        events.forEach((precision, n) -> inputs.put(precision, PipelineBench.preload(setup.kafka(), images, n)));
        BrokerWarmUp.run(setup.kafka(), out);
        warmUpPipelines(inputs, out);
        List<ComparisonRound> done = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            Map<Contender, ComparisonRound.Run> runs = new LinkedHashMap<>();
            for (int i = 0; i < contenders.size(); i++) {
                Contender contender = contenders.get((round + i) % contenders.size());
                Blocking.pause(SETTLE);
                runs.put(
                        contender,
                        contender.isPipeline() ? beside(contender, inputs.get(contender.precision)) : alone(contender));
            }
            ComparisonRound r = new ComparisonRound(runs);
            done.add(r);
            out.printf("- Round %d, in order: %s.%n", round + 1, r.describe());
            out.flush();
        }
        out.println();
        return done;
    }

    /**
     * Unmeasured pipeline runs after {@link BrokerWarmUp}'s traffic, the fastest first and at
     * least two, until this JVM's JIT compiler is mostly done with what the pipelines add.
     */
    private void warmUpPipelines(Map<String, String> inputs, java.io.PrintWriter out) {
        List<Contender> pipelines = new ArrayList<>(
                contenders.stream().filter(Contender::isPipeline).toList());
        java.util.Collections.reverse(pipelines); // int8 after fp32 in the list, and several times faster
        if (pipelines.isEmpty() || Double.isNaN(JitWarmUp.compilingSeconds())) {
            return;
        }
        java.util.function.IntFunction<Contender> nth = i -> pipelines.get((i - 1) % pipelines.size());
        boolean settled = JitWarmUp.untilSettled(
                Math.min(2, pipelines.size()),
                JitWarmUp.MAX_RUNS,
                JitWarmUp.SETTLED_SHARE,
                i -> run(nth.apply(i), inputs.get(nth.apply(i).precision)),
                (i, compiling, seconds) -> String.format(
                        "- Broker warm-up run %d (not measured), %s: the benchmark JVM's JIT compiled for %.1f s of"
                                + " the run's %.1f s.",
                        i, nth.apply(i).label, compiling, seconds),
                out);
        if (!settled) {
            out.println("- The benchmark JVM's JIT compiler was still busy after " + JitWarmUp.MAX_RUNS
                    + " warm-up runs; measuring anyway.");
        }
        out.println();
    }

    /**
     * A pipeline's run between two short measurements of the model alone with serve's settings:
     * the host's speed drifts by a tenth or more within minutes, and the round's own model-alone
     * row may have run minutes away from this run.
     */
    private ComparisonRound.Run beside(Contender contender, String input) {
        ModelRunner model = models.get(contender.precision);
        double before = BenchModel.bareImagesPerSecond(model, setup.batch(), BESIDE_SECONDS);
        Blocking.pause(SETTLE);
        ComparisonRound.Run run = run(contender, input);
        Blocking.pause(SETTLE);
        double after = BenchModel.bareImagesPerSecond(model, setup.batch(), BESIDE_SECONDS);
        return run.beside((before + after) / 2);
    }

    /** The model alone in this JVM, its CPU per image by thread of this JVM. */
    private ComparisonRound.Run alone(Contender contender) {
        long self = ProcessHandle.current().pid();
        Map<String, Double> before = ThreadCpu.of(self);
        double[] machineBefore = ThreadCpu.machine();
        long start = System.nanoTime();
        double rate = switch (contender.kind) {
            case MODEL_ALONE -> BenchModel.bareImagesPerSecond(models.get(contender.precision), setup.batch(), seconds);
            case PASSES_ALONE ->
                shared.get(contender.precision).imagesPerSecond(setup.batch(), seconds, Contender.PASSES);
            default -> plains.get(contender.precision).imagesPerSecond(setup.batch(), seconds);
        };
        double images = rate * (System.nanoTime() - start) / 1e9; // the untimed first passes are a rounding error
        Map<String, Double> perImage = new LinkedHashMap<>();
        ThreadCpu.between(before, ThreadCpu.of(self)).forEach((group, cpu) -> perImage.put(group, cpu / images));
        double[] machineAfter = ThreadCpu.machine();
        double own = ThreadCpu.total(perImage);
        perImage.put(OTHER_PROCESSES, Math.max(0, (machineAfter[0] - machineBefore[0]) / images - own));
        perImage.put(IDLE, (machineAfter[1] - machineBefore[1]) / images);
        return new ComparisonRound.Run(
                rate, Double.NaN, Double.NaN, Double.NaN, Double.NaN, perImage, Map.of(), Double.NaN, Double.NaN);
    }

    private ComparisonRound.Run run(Contender contender, String input) {
        String run = id();
        String output = "cmp-out-" + run;
        TopicCreator.ensure(setup.kafka(), output, PipelineBench.PARTITIONS, false);
        try (CommittedOutput reader = new CommittedOutput(setup.kafka(), output);
                Contender.Started started = contender.start(setup, input, output, run)) {
            int total = events.get(contender.precision);
            reader.await(Math.max(1, total / 4), PATIENCE);
            long self = ProcessHandle.current().pid();
            Map<String, Double> before = ThreadCpu.of(started.pid());
            Map<String, Double> selfBefore = ThreadCpu.of(self);
            double[] machineBefore = ThreadCpu.machine();
            long spanStartMillis = System.currentTimeMillis();
            ServeCounters countersBefore = ServeCounters.of(started);
            BrokerWork brokerBefore = BrokerWork.now();
            long spanStart = System.nanoTime();
            reader.await(total, PATIENCE);
            Map<String, Double> after = ThreadCpu.of(started.pid());
            Map<String, Double> selfAfter = ThreadCpu.of(self);
            double[] machineAfter = ThreadCpu.machine();
            BrokerWork brokerAfter = BrokerWork.now();
            double spanSeconds = (System.nanoTime() - spanStart) / 1e9;
            ServeCounters counters = ServeCounters.of(started).since(countersBefore);
            // by when each was made, not when it arrived: see CommittedOutput.madeRate
            long images = reader.made(spanStartMillis, System.currentTimeMillis());
            Map<String, Double> perImage = new LinkedHashMap<>();
            ThreadCpu.between(before, after).forEach((group, cpu) -> perImage.put(group, cpu / images));
            double own = ThreadCpu.total(perImage);
            Map<String, Double> benchThreads = ThreadCpu.between(selfBefore, selfAfter);
            double bench = ThreadCpu.total(benchThreads) / images;
            double busy = (machineAfter[0] - machineBefore[0]) / images;
            perImage.put(BENCH_JVM, bench);
            benchThreads.forEach((group, cpu) -> perImage.put(IN_BENCH_JVM + group, cpu / images));
            perImage.put(OTHER_PROCESSES, Math.max(0, busy - own - bench));
            perImage.put(IDLE, (machineAfter[1] - machineBefore[1]) / images);
            return new ComparisonRound.Run(
                    reader.madeRate(spanStartMillis),
                    counters.modelSeconds() / spanSeconds,
                    counters.passImages() / counters.passes(),
                    counters.commits() / spanSeconds,
                    counters.asked() / spanSeconds,
                    perImage,
                    brokerAfter.perThousandSince(brokerBefore, images),
                    reader.top1(),
                    Double.NaN);
        } catch (Exception e) {
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
    }

    /** A pipeline at one offered load: its latencies, and where the cores went meanwhile. */
    record AtLoad(CommittedOutput.Latencies latencies, LoadCpu cpu) {}

    /**
     * Latencies (ms, event time to prediction read downstream) of a contender at each offered
     * load, images offered at a steady rate by a paced producer; the first {@code warmUp} of each
     * load are not counted. The cores' time is counted over the whole load.
     */
    List<AtLoad> latency(Contender contender, double[] loads, Duration duration, Duration warmUp) {
        String run = id();
        String input = "cmp-load-" + run;
        String output = "cmp-out-" + run;
        TopicCreator.ensure(setup.kafka(), input, PipelineBench.PARTITIONS, false);
        TopicCreator.ensure(setup.kafka(), output, PipelineBench.PARTITIONS, false);
        ImageLoad load = new ImageLoad(setup.kafka(), setup.images());
        List<AtLoad> byLoad = new ArrayList<>();
        try (CommittedOutput reader = new CommittedOutput(setup.kafka(), output);
                Contender.Started started = contender.start(setup, input, output, run)) {
            int offered = 0;
            for (double rate : loads) {
                int total = (int) (rate * (duration.toMillis() + warmUp.toMillis()) / 1000);
                long measureFrom = System.currentTimeMillis() + warmUp.toMillis();
                LoadCpu.Start cpu = LoadCpu.Start.of(started.pid());
                int taken = load.offer(input, total, rate); // only what the broker took is awaited
                offered += taken;
                reader.await(offered, PATIENCE);
                byLoad.add(new AtLoad(reader.latencies(measureFrom), cpu.until(taken)));
            }
        } catch (Exception e) {
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
        return byLoad;
    }

    private static String id() {
        return UUID.randomUUID().toString().substring(0, 6);
    }
}
