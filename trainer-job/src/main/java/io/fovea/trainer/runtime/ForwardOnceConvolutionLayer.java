package io.fovea.trainer.runtime;

import io.fovea.core.runtime.FasterOfTwo;
import java.util.Arrays;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ConvolutionUtils;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * <p>The backward pass itself runs on oneDNN or as matrix products over the batch ({@link
 * MatmulConvolutionBackward}), whichever {@link FasterOfTwo} finds faster for this layer: oneDNN
 * wins on large images and loses on VGG16's 4x4 and 2x2 ones. ReLU's derivative
 * is a step and a product, as in {@link ReluInPlaceLayer}.
 */
public class ForwardOnceConvolutionLayer extends ConvolutionLayer {
    private static final Logger LOG = LoggerFactory.getLogger(ForwardOnceConvolutionLayer.class);
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
        if (helper == null || !ownBackwardApplies(epsilon)) {
            return super.backpropGradient(epsilon, workspaceMgr); // with forwardOutput via preOutput4d
        }
        INDArray output = forwardOutput;
        forget();
        // ReLU: the output, no longer needed as such, becomes the gradient before the activation
        INDArray delta = layerConf().getActivationFn() instanceof ActivationReLU
                ? ReluInPlaceLayer.gradient(output, epsilon, output)
                : epsilon;
        Backward step = new Backward(delta, workspaceMgr);
        Pair<Gradient, INDArray> result = MatmulConvolutionBackward.takes(input.shape(), step.geometry)
                ? backward.run(step::onOneDnn, step::onMatmul)
                : step.onOneDnn();
        weightNoiseParams.clear();
        return result;
    }

    /** Our own path covers what VGG16 and the ResNet use: NCHW, no dropout or weight noise. */
    private boolean ownBackwardApplies(INDArray epsilon) {
        org.deeplearning4j.nn.conf.layers.ConvolutionLayer conf = layerConf();
        return forwardOutput != null
                && forwardInput == input
                && conf.getCnn2dDataFormat() == CNN2DFormat.NCHW
                && conf.getIDropout() == null
                && conf.getWeightNoise() == null
                && convolutionMode != ConvolutionMode.Causal
                && Arrays.equals(forwardOutput.shape(), epsilon.shape());
    }

    /** One backward pass's inputs, for either implementation. */
    private final class Backward {
        private final INDArray delta;
        private final LayerWorkspaceMgr workspaceMgr;
        private final INDArray weights;
        private final INDArray weightGrad;
        private final MatmulConvolutionBackward.Geometry geometry;

        Backward(INDArray delta, LayerWorkspaceMgr workspaceMgr) {
            this.delta = delta;
            this.workspaceMgr = workspaceMgr;
            this.weights = getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, true, workspaceMgr);
            this.weightGrad = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
            org.deeplearning4j.nn.conf.layers.ConvolutionLayer conf = layerConf();
            int[] outSize = {(int) delta.size(2), (int) delta.size(3)};
            int[] pad = convolutionMode == ConvolutionMode.Same
                    ? ConvolutionUtils.getSameModeTopLeftPadding(
                            outSize,
                            new int[] {(int) input.size(2), (int) input.size(3)},
                            conf.getKernelSize(),
                            conf.getStride(),
                            conf.getDilation())
                    : conf.getPadding();
            this.geometry = new MatmulConvolutionBackward.Geometry(
                    conf.getKernelSize(), conf.getStride(), conf.getDilation(), pad, outSize);
        }

        /** DL4J's platform helper (oneDNN here, cuDNN on a GPU), as DL4J calls it. */
        Pair<Gradient, INDArray> onOneDnn() {
            org.deeplearning4j.nn.conf.layers.ConvolutionLayer conf = layerConf();
            if (helperCountFail > 0 && conf.isCudnnAllowFallback()) {
                return onMatmul(); // the helper failed on this layer before
            }
            INDArray biasGrad = hasBias()
                    ? gradientViews.get(ConvolutionParamInitializer.BIAS_KEY)
                    : helper instanceof MKLDNNConvHelper ? null : dummyBiasGrad();
            Pair<Gradient, INDArray> result;
            try {
                result = helper.backpropGradient(
                        input,
                        weights,
                        getParamWithNoise(ConvolutionParamInitializer.BIAS_KEY, true, workspaceMgr),
                        delta,
                        geometry.kernel(),
                        geometry.stride(),
                        geometry.pad(),
                        biasGrad,
                        weightGrad,
                        conf.getActivationFn(),
                        conf.getCudnnAlgoMode(),
                        conf.getCudnnBwdFilterAlgo(),
                        conf.getCudnnBwdDataAlgo(),
                        convolutionMode,
                        geometry.dilation(),
                        CNN2DFormat.NCHW,
                        workspaceMgr);
            } catch (RuntimeException e) {
                if (!conf.isCudnnAllowFallback()) {
                    throw e;
                }
                helperCountFail++;
                LOG.warn("{}: the platform helper's backward pass failed; matrix products from now on", layerId(), e);
                result = null;
            }
            return result != null ? result : onMatmul();
        }

        Pair<Gradient, INDArray> onMatmul() {
            INDArray biasGrad = hasBias() ? gradientViews.get(ConvolutionParamInitializer.BIAS_KEY) : null;
            INDArray inputGrad = MatmulConvolutionBackward.backprop(
                    input, weights, delta, geometry, weightGrad, biasGrad, workspaceMgr);
            Gradient gradient = new DefaultGradient();
            if (biasGrad != null) {
                gradient.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, biasGrad);
            }
            gradient.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, weightGrad, 'c');
            return new Pair<>(gradient, inputGrad);
        }
    }

    /** What DL4J hands cuDNN as the bias gradient of a layer without bias. */
    private INDArray dummyBiasGrad() {
        if (dummyBiasGrad == null) {
            try (MemoryWorkspace outside = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                dummyBiasGrad = Nd4j.create(1, layerConf().getNOut());
            }
        }
        return dummyBiasGrad;
    }

    /** The backward pass this layer settled on: 0 oneDNN, 1 matrix products; -1 while still timing. */
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
