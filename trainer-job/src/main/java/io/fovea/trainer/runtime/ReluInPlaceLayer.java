package io.fovea.trainer.runtime;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.ActivationLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A ReLU layer that trains in one pass over memory forward and two backward: the forward pass
 * writes {@code max(input, 0)} straight into the output, the backward pass {@code epsilon *
 * (input > 0)} as a 0/1 step then a product, both into the gradient array.
 *
 * <p>Why: DL4J 1.0.0-M2.1's activation layer copies its input before applying ReLU in place, and
 * its backward pass copies input, derivative and gradient; libnd4j's one-op ReLU derivative is
 * itself slower than a step and a product (figures: docs/benchmarks.md, "Training against
 * inference"). Same numbers (ServingGraphTest, FastBatchNormalizationTest).
 */
public class ReluInPlaceLayer extends ActivationLayer {

    public ReluInPlaceLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (!training || input == null) {
            return super.activate(training, workspaceMgr); // inference already applies ReLU in place
        }
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, input.dataType(), input.shape(), 'c');
        Nd4j.exec(new RectifiedLinear(input, out, 0.0));
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (input == null || epsilon == null || !Arrays.equals(input.shape(), epsilon.shape())) {
            return super.backpropGradient(epsilon, workspaceMgr); // DL4J's path, and its error messages
        }
        INDArray gradient =
                workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, epsilon.dataType(), epsilon.shape(), 'c');
        return new Pair<>(new DefaultGradient(), gradient(input, epsilon, gradient));
    }

    /**
     * {@code epsilon * (where > 0)} into {@code into}, which may be {@code where} itself: ReLU's
     * backward pass from its input or, equally, its output.
     */
    static INDArray gradient(INDArray where, INDArray epsilon, INDArray into) {
        Nd4j.exec(new Step(where, into, 0.0)); // 1 where above zero, else 0 (also for NaN)
        return into.muli(epsilon);
    }
}
