package io.fovea.core.runtime;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.executioner.OpExecutioner;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Max pooling whose inference runs libnd4j's {@code maxpool2d} with the op's platform helper
 * (oneDNN) turned off for this one call.
 *
 * <p>Why: for NCHW data, the oneDNN build DL4J 1.0.0-M2.1 ships picks its reference kernel
 * ({@code simple_nchw}, one scalar step per output element), a sizeable share of a VGG16 pass;
 * libnd4j's own kernel is several times faster with bit-identical results (ServingGraphTest;
 * figures in docs/training.md, "CPU speed").
 * Convolutions keep oneDNN, which runs them at about sgemm speed. Training (and so the
 * backward pass) is left to DL4J.
 */
public class PlainMaxPoolingLayer extends SubsamplingLayer {

    public PlainMaxPoolingLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (training || input == null || input.rank() != 4) {
            return super.activate(training, workspaceMgr); // DL4J's path, and its error messages
        }
        org.deeplearning4j.nn.conf.layers.SubsamplingLayer conf = layerConf();
        INDArray in = input.castTo(dataType);
        int[] k = conf.getKernelSize();
        int[] s = conf.getStride();
        int[] p = conf.getPadding();
        int[] d = conf.getDilation();
        // the same arguments DL4J passes: kernel, stride, padding, dilation, same mode, extra, NHWC
        int[] arguments = {
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
        DynamicCustomOp op = DynamicCustomOp.builder("maxpool2d")
                .addInputs(in)
                .addIntegerArguments(arguments)
                .build();
        long[] shape = op.calculateOutputShape().get(0).getShape();
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, in.dataType(), shape, 'c');
        OpExecutioner executioner = Nd4j.getExecutioner();
        OpContext context = executioner.buildContext();
        try {
            context.setInputArrays(in);
            context.setOutputArrays(out);
            context.setIArguments(Arrays.stream(arguments).asLongStream().toArray());
            context.allowHelpers(false);
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
