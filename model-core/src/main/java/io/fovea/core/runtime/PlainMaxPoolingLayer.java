package io.fovea.core.runtime;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.executioner.OpExecutioner;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Max pooling whose forward pass runs libnd4j's {@code maxpool2d}, and whose backward pass its
 * {@code maxpool2d_bp}, with the op's platform helper (oneDNN) turned off for each call.
 *
 * <p>Why: for NCHW data, the oneDNN build DL4J 1.0.0-M2.1 ships picks its reference kernel
 * ({@code simple_nchw}, one scalar step per output element), a sizeable share of a VGG16 pass;
 * libnd4j's own kernel is several times faster with bit-identical results (ServingGraphTest;
 * figures in docs/training.md, "CPU speed").
 * Convolutions keep oneDNN, which runs them at about sgemm speed. The backward pass has the same
 * reference kernel behind it, so training takes this path too (gradients equal DL4J's:
 * ServingGraphTest).
 */
public class PlainMaxPoolingLayer extends SubsamplingLayer {

    public PlainMaxPoolingLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (input == null || input.rank() != 4) {
            return super.activate(training, workspaceMgr); // DL4J's path, and its error messages
        }
        INDArray in = input.castTo(dataType);
        int[] arguments = arguments();
        DynamicCustomOp op = DynamicCustomOp.builder("maxpool2d")
                .addInputs(in)
                .addIntegerArguments(arguments)
                .build();
        long[] shape = op.calculateOutputShape().get(0).getShape();
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, in.dataType(), shape, 'c');
        execWithoutHelpers(op, arguments, out, in);
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (input == null || input.rank() != 4) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        INDArray in = input.castTo(dataType);
        int[] arguments = arguments();
        INDArray gradient = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, in.dataType(), in.shape(), 'c');
        DynamicCustomOp op = DynamicCustomOp.builder("maxpool2d_bp")
                .addInputs(in, epsilon.castTo(dataType))
                .addIntegerArguments(arguments)
                .build();
        execWithoutHelpers(op, arguments, gradient, in, epsilon.castTo(dataType));
        return new Pair<>(new DefaultGradient(), gradient);
    }

    /** The arguments DL4J passes: kernel, stride, padding, dilation, same mode, extra, NHWC. */
    private int[] arguments() {
        org.deeplearning4j.nn.conf.layers.SubsamplingLayer conf = layerConf();
        int[] k = conf.getKernelSize();
        int[] s = conf.getStride();
        int[] p = conf.getPadding();
        int[] d = conf.getDilation();
        return new int[] {
            k[0],
            k[1],
            s[0],
            s[1],
            p[0],
            p[1],
            d[0],
            d[1],
            conf.getConvolutionMode() == ConvolutionMode.Same ? 1 : 0,
            0,
            conf.getCnn2dDataFormat() == CNN2DFormat.NCHW ? 0 : 1
        };
    }

    private static void execWithoutHelpers(DynamicCustomOp op, int[] arguments, INDArray out, INDArray... inputs) {
        OpExecutioner executioner = Nd4j.getExecutioner();
        OpContext context = executioner.buildContext();
        try {
            context.setInputArrays(inputs);
            context.setOutputArrays(out);
            context.setIArguments(Arrays.stream(arguments).asLongStream().toArray());
            context.allowHelpers(false);
            executioner.exec(op, context);
        } finally {
            close(context);
        }
    }

    private static void close(OpContext context) {
        try {
            context.close();
        } catch (Exception e) {
            throw new IllegalStateException("cannot free an ND4J op context", e);
        }
    }
}
