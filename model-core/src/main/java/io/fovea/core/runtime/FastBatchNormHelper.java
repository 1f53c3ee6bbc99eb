package io.fovea.core.runtime;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Batch norm in training for NCHW float data: the batch statistics from libnd4j's {@code moments}
 * and the backward pass written out, every per-channel scale and shift run as libnd4j's
 * {@code batchnorm} op (with a zero mean and a unit variance it computes {@code a * x + c}).
 * Inference, other layouts and types take DL4J's oneDNN helper.
 *
 * <p>Why: on a 128x32x32x32 batch, DL4J's variance op takes about 14 ms where {@code moments}
 * takes 4, and libnd4j's {@code batchnorm_bp} 33 ms with or without oneDNN, where these few
 * passes over memory take about 14 (docs/benchmarks.md, "Training against inference"). The
 * results equal DL4J's within float rounding (FastBatchNormalizationTest).
 */
public class FastBatchNormHelper extends MKLDNNBatchNormHelper {
    private static final int[] CHANNELS_NCHW = {0, 2, 3};
    private INDArray mean;
    private INDArray variance;
    private boolean statisticsAreMine;

    public FastBatchNormHelper(DataType dataType) {
        super(dataType);
    }

    private static boolean handles(INDArray x, CNN2DFormat format) {
        return x.rank() == 4 && format == CNN2DFormat.NCHW && x.dataType() == DataType.FLOAT;
    }

    @Override
    public INDArray preOutput(
            INDArray x,
            boolean training,
            long[] shape,
            INDArray gamma,
            INDArray beta,
            INDArray mean,
            INDArray var,
            double decay,
            double eps,
            CNN2DFormat format,
            LayerWorkspaceMgr workspaceMgr) {
        statisticsAreMine = training && gamma != null && beta != null && handles(x, format);
        if (!statisticsAreMine) {
            return super.preOutput(x, training, shape, gamma, beta, mean, var, decay, eps, format, workspaceMgr);
        }
        long channels = x.size(1);
        if (this.mean == null || this.mean.length() != channels) {
            try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                this.mean = Nd4j.createUninitialized(DataType.FLOAT, channels);
                this.variance = Nd4j.createUninitialized(DataType.FLOAT, channels);
            }
        }
        Nd4j.exec(DynamicCustomOp.builder("moments")
                .addInputs(x)
                .addOutputs(this.mean, this.variance)
                .addIntegerArguments(CHANNELS_NCHW)
                .build());
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, x.dataType(), x.shape(), 'c');
        normalize(x, this.mean, this.variance, gamma.reshape(channels), beta.reshape(channels), eps, out);
        return out;
    }

    @Override
    public INDArray getMeanCache(DataType dataType) {
        return statisticsAreMine ? mean.castTo(dataType) : super.getMeanCache(dataType);
    }

    @Override
    public INDArray getVarCache(DataType dataType) {
        return statisticsAreMine ? variance.castTo(dataType) : super.getVarCache(dataType);
    }

    /**
     * dL/dx = gamma / sd * (dy - mean(dy) - xhat * mean(dy * xhat)), with xhat = (x - mean) / sd;
     * dL/dgamma = sum(dy * xhat); dL/dbeta = sum(dy), sums over batch, rows and columns.
     */
    @Override
    public Pair<Gradient, INDArray> backpropGradient(
            INDArray input,
            INDArray epsilon,
            long[] shape,
            INDArray gamma,
            INDArray beta,
            INDArray dGammaView,
            INDArray dBetaView,
            double eps,
            CNN2DFormat format,
            LayerWorkspaceMgr workspaceMgr) {
        if (!statisticsAreMine || !handles(input, format) || epsilon.dataType() != DataType.FLOAT) {
            return super.backpropGradient(
                    input, epsilon, shape, gamma, beta, dGammaView, dBetaView, eps, format, workspaceMgr);
        }
        long channels = input.size(1);
        double perChannel = (double) input.length() / channels;
        INDArray dy = Shape.hasDefaultStridesForShape(epsilon) ? epsilon : epsilon.dup('c');
        INDArray zero = Nd4j.zeros(DataType.FLOAT, channels);
        INDArray one = Nd4j.ones(DataType.FLOAT, channels);
        INDArray xhat = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, DataType.FLOAT, input.shape(), 'c');
        normalize(input, mean, variance, one, zero, eps, xhat);

        INDArray dBeta = dy.sum(CHANNELS_NCHW);
        INDArray work = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, DataType.FLOAT, input.shape(), 'c');
        dy.mul(xhat, work);
        INDArray dGamma = work.sum(CHANNELS_NCHW);

        // work = xhat * mean(dy * xhat) + mean(dy); then dy - work; then times gamma / sd
        scaleAndShift(xhat, dGamma.div(perChannel), dBeta.div(perChannel), eps, work);
        dy.sub(work, work);
        INDArray scale = gamma.reshape(channels).div(Nd4j.math().sqrt(variance.add(eps)));
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, input.shape(), 'c');
        scaleAndShift(work, scale, zero, eps, dx);

        dGammaView.assign(dGamma.reshape(dGammaView.shape()));
        dBetaView.assign(dBeta.reshape(dBetaView.shape()));
        Gradient gradient = new DefaultGradient();
        gradient.setGradientFor("gamma", dGammaView);
        gradient.setGradientFor("beta", dBetaView);
        return new Pair<>(gradient, dx);
    }

    /** out = (x - mean) / sqrt(variance + eps) * gamma + beta, per channel. */
    private static void normalize(
            INDArray x, INDArray mean, INDArray variance, INDArray gamma, INDArray beta, double eps, INDArray out) {
        Nd4j.exec(DynamicCustomOp.builder("batchnorm")
                .addInputs(x, mean, variance, gamma, beta)
                .addOutputs(out)
                .addIntegerArguments(1, 1, 1) // apply gamma, apply beta, channels on axis 1
                .addFloatingPointArguments(eps)
                .build());
    }

    /** out = x * scale + shift, per channel: batchnorm with mean 0 and variance 1 - eps. */
    private static void scaleAndShift(INDArray x, INDArray scale, INDArray shift, double eps, INDArray out) {
        long channels = scale.length();
        INDArray zero = Nd4j.zeros(DataType.FLOAT, channels);
        INDArray unit = Nd4j.valueArrayOf(new long[] {channels}, (float) (1 - eps));
        normalize(x, zero, unit, scale.castTo(DataType.FLOAT), shift.castTo(DataType.FLOAT), eps, out);
    }
}
