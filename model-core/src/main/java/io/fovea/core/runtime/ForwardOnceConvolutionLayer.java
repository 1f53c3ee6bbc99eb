package io.fovea.core.runtime;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionHelper;
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
 *
 * <p>The backward pass itself runs on oneDNN or on DL4J's own im2col and matrix products,
 * whichever {@link FasterOfTwo} finds faster for this layer: on AVX-512, oneDNN's Winograd
 * kernels take several times longer for VGG16's 2x2 layers than for its 32x32 ones.
 */
public class ForwardOnceConvolutionLayer extends ConvolutionLayer {
    private INDArray forwardInput;
    private INDArray forwardOutput;
    private final FasterOfTwo backward = new FasterOfTwo();

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
        if (forBackprop && forwardOutput != null && forwardInput == input) {
            INDArray output = forwardOutput;
            forget();
            // no im2col array: the helper does not need one, and DL4J's own path makes its own
            return new Pair<>(output, null);
        }
        return super.preOutput4d(training, forBackprop, workspaceMgr);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (helper == null) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        return backward.run(() -> super.backpropGradient(epsilon, workspaceMgr), () -> {
            ConvolutionHelper oneDnn = helper;
            helper = null;
            try {
                return super.backpropGradient(epsilon, workspaceMgr);
            } finally {
                helper = oneDnn;
            }
        });
    }

    /** The backward pass this layer settled on: 0 oneDNN, 1 DL4J's own; -1 while still timing. */
    public int backwardChoice() {
        return backward.chosen();
    }

    void useBackward(int which) {
        backward.choose(which);
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
