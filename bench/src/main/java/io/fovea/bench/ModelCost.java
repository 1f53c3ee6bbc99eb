package io.fovea.bench;

import io.fovea.core.runtime.Blocking;
import io.fovea.core.runtime.NativeBackend;
import io.fovea.stream.model.ModelRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Floating-point work of a forward pass, and the machine's sgemm speed to compare it with. */
public final class ModelCost {
    private ModelCost() {}

    /** FLOPs (multiply and add counted apart) of one image through the graph's convolution and dense layers. */
    public static double flopsPerImage(ComputationGraphConfiguration conf, InputType input) {
        Map<String, InputType> inputs = conf.getLayerActivationTypes(input);
        double flops = 0;
        for (var entry : conf.getVertices().entrySet()) {
            if (!(entry.getValue() instanceof LayerVertex vertex)) {
                continue;
            }
            var layer = vertex.getLayerConf().getLayer();
            InputType out = inputs.get(entry.getKey());
            if (layer instanceof ConvolutionLayer conv && out instanceof InputType.InputTypeConvolutional o) {
                long[] k = {conv.getKernelSize()[0], conv.getKernelSize()[1]};
                flops += 2.0 * k[0] * k[1] * conv.getNIn() * conv.getNOut() * o.getHeight() * o.getWidth();
            } else if (layer instanceof DenseLayer dense) {
                flops += 2.0 * dense.getNIn() * dense.getNOut();
            } else if (layer instanceof OutputLayer dense) {
                flops += 2.0 * dense.getNIn() * dense.getNOut();
            }
        }
        return flops;
    }

    /**
     * Single-precision matrix multiply speed of this machine through ND4J's BLAS on every core,
     * GFLOP/s. A serving process keeps BLAS on one thread ({@link NativeBackend#blasOnCallingThreadOnly()});
     * the machine's speed is measured with all of them, and that setting is restored after.
     */
    public static double sgemmGflops(int n, double seconds) {
        var blas = Nd4j.factory().blas();
        int threads = blas.getMaxThreads();
        blas.setMaxThreads(Runtime.getRuntime().availableProcessors());
        try {
            return sgemmGflopsAsSet(n, seconds);
        } finally {
            blas.setMaxThreads(threads);
        }
    }

    private static double sgemmGflopsAsSet(int n, double seconds) {
        INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray c = Nd4j.create(DataType.FLOAT, n, n);
        for (int i = 0; i < 3; i++) {
            Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
        }
        long start = System.nanoTime();
        int runs = 0;
        while (System.nanoTime() - start < seconds * 1e9) {
            Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
            runs++;
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        return 2.0 * n * n * n * runs / elapsed / 1e9;
    }

    /** Medians of alternated rounds: sgemm's GFLOP/s, the model's, and of the rounds' model / sgemm ratios. */
    record AgainstSgemm(double sgemmGflops, double modelGflops, double ratio) {}

    /** sgemm and the model, alternated in {@code rounds} short rounds. */
    static AgainstSgemm sgemmAgainstModel(
            ModelRunner model, int batch, double flopsPerImage, int rounds, Duration settle) {
        List<Double> sgemm = new ArrayList<>();
        List<Double> modelGflops = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        // not measured: the JIT compiles DL4J's Java side of a forward pass in the first seconds
        BenchModel.bareImagesPerSecond(model, batch, 5);
        sgemmGflops(1024, 1);
        for (int round = 0; round < rounds; round++) {
            // a pause before each: OpenBLAS's threads spin for a while after a multiply, and OpenMP's
            // after a forward pass, taking CPU from whatever runs next
            Blocking.pause(settle);
            double s = sgemmGflops(1024, 1);
            Blocking.pause(settle);
            double m = BenchModel.bareImagesPerSecond(model, batch, 2) * flopsPerImage / 1e9;
            sgemm.add(s);
            modelGflops.add(m);
            ratios.add(m / s);
        }
        return new AgainstSgemm(Percentiles.median(sgemm), Percentiles.median(modelGflops), Percentiles.median(ratios));
    }
}
