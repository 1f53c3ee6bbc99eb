package io.fovea.cli.bench;

import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Floating-point work of a forward pass, and the machine's sgemm speed to compare it with. */
public final class ModelCost {
    private ModelCost() {
    }

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

    /** Single-precision matrix multiply speed of this machine through ND4J's BLAS, GFLOP/s. */
    public static double sgemmGflops(int n, double seconds) {
        INDArray a = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, n, n);
        INDArray b = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, n, n);
        INDArray c = Nd4j.create(org.nd4j.linalg.api.buffer.DataType.FLOAT, n, n);
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
}
