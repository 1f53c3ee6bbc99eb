package io.fovea.core.runtime;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A convolution whose backward pass takes the activation's derivative from the output the
 * forward pass of the same step already computed.
 *
 * <p>Why: DL4J 1.0.0-M2.1's convolution backward pass starts by running the forward convolution
 * again, for the pre-activation values, which costs a whole extra forward pass per training
 * step. Where the activation is the identity those values are the output itself; for ReLU the
 * output has the same derivative (1 where it is above zero). The gradients are unchanged
 * (ForwardOnceConvolutionTest). Anything else, or a backward pass without a forward pass on the
 * same input, takes DL4J's path.
 */
public class ForwardOnceConvolutionLayer extends ConvolutionLayer {
    private INDArray forwardInput;
    private INDArray forwardOutput;

    public ForwardOnceConvolutionLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray output = super.activate(training, workspaceMgr);
        forwardInput = training ? input : null;
        forwardOutput = training ? output : null;
        return output;
    }

    @Override
    protected Pair<INDArray, INDArray> preOutput4d(
            boolean training, boolean forBackprop, LayerWorkspaceMgr workspaceMgr) {
        if (forBackprop && forwardOutput != null && forwardInput == input && helper != null) {
            INDArray output = forwardOutput;
            forget();
            // no im2col array: the helper computes the gradients, and DL4J's fallback makes its own
            return new Pair<>(output, null);
        }
        return super.preOutput4d(training, forBackprop, workspaceMgr);
    }

    @Override
    public void clear() {
        super.clear();
        forget();
    }

    private void forget() {
        forwardInput = null;
        forwardOutput = null;
    }
}
