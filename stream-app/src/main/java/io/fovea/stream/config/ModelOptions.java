package io.fovea.stream.config;

import static io.fovea.stream.config.ConfigOption.INT;
import static io.fovea.stream.config.ConfigOption.LONG_OR_AUTO;
import static io.fovea.stream.config.ConfigOption.TEXT;
import static io.fovea.stream.config.ConfigOption.positiveInt;
import static io.fovea.stream.config.StreamOptions.AUTO;

import io.fovea.core.runtime.BackgroundPriority;
import java.util.List;
import java.util.OptionalLong;

/** The settings of how serve runs its model: backend, precision, ONNX Runtime, passes at once, memory. */
public final class ModelOptions {
    private ModelOptions() {}

    public static final ConfigOption<String> MODEL_BACKEND = ConfigOption.of(
            "model.backend",
            TEXT,
            "onnxruntime",
            "`onnxruntime` or `dl4j`: which runs a version that holds both models (`--backend`; why"
                    + " `onnxruntime`: [benchmarks](benchmarks.md#backends-dl4j-and-onnx-runtime)); a bundle with"
                    + " one model is run by its own (an imported ONNX model by ONNX Runtime, an older bundle"
                    + " without `model.onnx` by DL4J). Versions on different backends hot-swap like any others");
    public static final ConfigOption<String> MODEL_PRECISION = ConfigOption.of(
                    "model.precision",
                    TEXT,
                    "fp32",
                    "`fp32` or `int8`: `int8` serves each version's `model.int8.onnx` (`bin/fovea models quantize`)"
                            + " on ONNX Runtime; a version without one is refused: a start error, or a refused"
                            + " swap ([quantization](quantization.md))")
            .check(p -> p.equals("fp32") || p.equals("int8"), "fp32 or int8");
    public static final ConfigOption<String> ONNX_PROVIDER = ConfigOption.of(
            "onnx.execution.provider",
            TEXT,
            "cpu",
            "ONNX Runtime's execution provider: `cpu`, `cuda` or `tensorrt` (the last two need the GPU build,"
                    + " `mvn -Pgpu`; one that cannot start is an error naming what is missing, never a silent"
                    + " fall-back to the CPU)");
    public static final ConfigOption<Integer> ONNX_DEVICE = ConfigOption.of(
                    "onnx.device", INT, "0", "the GPU ONNX Runtime uses, for `cuda` and `tensorrt`")
            .check(device -> device >= 0, "0 or more");
    public static final ConfigOption<Integer> ONNX_THREADS = ConfigOption.of(
                    "onnx.threads",
                    INT,
                    "0",
                    "ONNX Runtime's threads for one forward pass; `0`: the cores shared out among"
                            + " `inference.passes`")
            .check(threads -> threads >= 0, "0 or more");
    public static final ConfigOption<Integer> INFERENCE_PASSES = ConfigOption.of(
                    "inference.passes",
                    INT,
                    "2",
                    "forward passes that run at once, each on a thread of its own over the same loaded version (as"
                            + " a serving system's model instances, without a second copy of the weights); two keep a"
                            + " CPU's cores busy while Kafka's threads take turns on them, each holding its own"
                            + " activations; `1` runs one pass on all the cores, with less memory"
                            + " ([operations](operations.md#how-serve-behaves))")
            .check(positiveInt(), "positive");
    public static final ConfigOption<Integer> INFERENCE_SPLIT_MIN_IMAGES = ConfigOption.of(
                    "inference.split.min.images",
                    INT,
                    "2",
                    "when at least this many images wait, but no more than two batches of `max.batch.size`, and"
                            + " another inference thread is idle or will be free before one pass could take them all,"
                            + " they are shared between two passes, each on its thread's share of the cores, so that"
                            + " both end together (evenly with an idle thread); `0`: never split"
                            + " ([operations](operations.md#how-serve-behaves))")
            .check(n -> n >= 0, "0 or more");
    public static final ConfigOption<Integer> INFERENCE_QUEUE_BATCHES = ConfigOption.of(
                    "inference.queue.batches",
                    INT,
                    "0",
                    "batches of `max.batch.size` images that may wait for a forward pass; with that many waiting,"
                            + " a stream thread holds its next batch back (for a second at most) until a pass takes"
                            + " one, so images wait in Kafka rather than in serve, where commits write them to the"
                            + " changelog as held copies; `0`: one for each of `inference.passes`"
                            + " ([operations](operations.md#how-serve-behaves))")
            .check(n -> n >= 0, "0 or more");

    public static final ConfigOption<OptionalLong> MALLOC_MMAP_THRESHOLD = ConfigOption.of(
                    "malloc.mmap.threshold",
                    LONG_OR_AUTO,
                    AUTO,
                    "glibc's malloc serves blocks of this many bytes and more from mmap, given back whole when"
                            + " freed, the threshold fixed at start; `auto`: 131072 when the version serve starts"
                            + " with runs on ONNX Runtime (its weights and arenas then leave nothing behind after a"
                            + " hot-swap), glibc's own moving threshold on DL4J (whose passes it would slow) or when"
                            + " `MALLOC_MMAP_THRESHOLD_` is set; `0`: glibc's own always"
                            + " ([operations](operations.md#memory))")
            .check(
                    value -> value.isEmpty() || (value.getAsLong() >= 0 && value.getAsLong() <= 32L << 20),
                    "0 to 33554432 or auto");

    public static final ConfigOption<Integer> MODEL_LOAD_NICE = ConfigOption.of(
                    "model.load.nice",
                    INT,
                    "10",
                    "the CPU priority (Linux nice, 0 to 19) a new version loads and is checked at, on a thread of"
                            + " its own while the current one serves: while forward passes fill every core, `10`"
                            + " gives the load about a tenth of a core (a 224x224 VGG16 served 44 s after its release"
                            + " under a backlog), `19` only the time the passes leave idle (the same version not"
                            + " within two minutes), `0` as much as a pass"
                            + " ([operations](operations.md#slow-models-and-the-transaction-timeout))")
            .check(nice -> nice >= 0 && nice <= BackgroundPriority.NICEST, "0 to " + BackgroundPriority.NICEST);

    /** These options, in the docs table's order. */
    static final List<ConfigOption<?>> ALL = List.of(
            MODEL_BACKEND,
            MODEL_PRECISION,
            ONNX_PROVIDER,
            ONNX_DEVICE,
            ONNX_THREADS,
            INFERENCE_PASSES,
            INFERENCE_SPLIT_MIN_IMAGES,
            INFERENCE_QUEUE_BATCHES,
            MODEL_LOAD_NICE,
            MALLOC_MMAP_THRESHOLD);
}
