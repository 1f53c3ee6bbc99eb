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
 * Max pooling whose forward pass runs libnd4j's {@code maxpool2d} with the op's platform helper
 * (oneDNN) turned off for each call, and whose backward pass {@code maxpool2d_bp}.
 *
 * <p>Why: for NCHW data, the oneDNN build DL4J 1.0.0-M2.1 ships picks its reference kernel
 * ({@code simple_nchw}, one scalar step per output element), a sizeable share of a VGG16 pass;
 * libnd4j's own kernel is faster with bit-identical results (ServingGraphTest; figures in
 * docs/benchmarks.md, "One-off probes"). Convolutions keep oneDNN. The backward pass runs on
 * libnd4j's kernel or on oneDNN, whichever {@link FasterOfTwo} finds faster for this layer: which
 * wins depends on the instruction set (gradients equal DL4J's either way: ServingGraphTest).
 */
public class PlainMaxPoolingLayer extends SubsamplingLayer {

    private final FasterOfTwo backward = new FasterOfTwo();

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
        exec(op, arguments, false, out, in);
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (input == null || input.rank() != 4) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        INDArray[] inputs = {input.castTo(dataType), epsilon.castTo(dataType)};
        int[] arguments = arguments();
        INDArray gradient = workspaceMgr.createUninitialized(
                ArrayType.ACTIVATION_GRAD, inputs[0].dataType(), inputs[0].shape(), 'c');
        DynamicCustomOp op = DynamicCustomOp.builder("maxpool2d_bp")
                .addInputs(inputs)
                .addIntegerArguments(arguments)
                .build();
        backward.run(
                () -> exec(op, arguments, false, gradient, inputs), () -> exec(op, arguments, true, gradient, inputs));
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

    /** The backward pass this layer settled on: 0 libnd4j's, 1 oneDNN's; -1 while still timing. */
    public int backwardChoice() {
        return backward.chosen();
    }

    /** Settles the backward pass without timing: for tests of each implementation. */
    public void useBackward(int which) {
        backward.choose(which);
    }

    /** Runs {@code op} with or without its platform helper (oneDNN). */
    private static INDArray exec(
            DynamicCustomOp op, int[] arguments, boolean oneDnn, INDArray out, INDArray... inputs) {
        OpExecutioner executioner = Nd4j.getExecutioner();
        OpContext context = executioner.buildContext();
        try {
            context.setInputArrays(inputs);
            context.setOutputArrays(out);
            context.setIArguments(Arrays.stream(arguments).asLongStream().toArray());
            context.allowHelpers(oneDnn);
            executioner.exec(op, context);
        } finally {
            close(context);
        }
        return out;
    }

    private static void close(OpContext context) {
        try {
            context.close();
        } catch (Exception e) {
            throw new IllegalStateException("cannot free an ND4J op context", e);
        }
    }
}
