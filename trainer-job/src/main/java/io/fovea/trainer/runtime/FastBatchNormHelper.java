package io.fovea.trainer.runtime;

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
 * <p>Why: DL4J's variance op and libnd4j's {@code batchnorm_bp} (with or without oneDNN) are slow
 * on training batches, and {@code moments} and the backward pass below take a fraction of their
 * time (figures: docs/benchmarks.md, "Training against inference"). The results equal DL4J's
 * within float rounding (FastBatchNormalizationTest).
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
     * dL/dx = gamma / sd * (dy - mean(dy) - xhat * mean(dy * xhat)) with xhat = (x - mean) / sd,
     * which is k * dy + a * x + b per channel; dL/dgamma = sum(dy * xhat) = (sum(dy * x) - mean *
     * sum(dy)) / sd; dL/dbeta = sum(dy). So two sums over the batch and two per-channel
     * scale-and-shifts: no normalised copy of x is made, and the per-channel arithmetic runs in Java.
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
        INDArray x = contiguous(input);
        INDArray dy = contiguous(epsilon);
        int channels = (int) x.size(1);
        INDArray work = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, DataType.FLOAT, x.shape(), 'c');
        float[] sumDy = perChannelSum(dy);
        dy.mul(x, work);
        float[] sumDyX = perChannelSum(work);

        float[] mu = mean.toFloatVector();
        float[] var = variance.toFloatVector();
        float[] g = gamma.castTo(DataType.FLOAT).toFloatVector();
        double perChannel = (double) x.length() / channels;
        float[] k = new float[channels];
        float[] a = new float[channels];
        float[] b = new float[channels];
        float[] dGamma = new float[channels];
        for (int c = 0; c < channels; c++) {
            double sd = Math.sqrt(var[c] + eps);
            double dg = (sumDyX[c] - mu[c] * (double) sumDy[c]) / sd;
            double kc = g[c] / sd;
            double meanDy = sumDy[c] / perChannel;
            double meanDyXhat = dg / perChannel;
            k[c] = (float) kc;
            a[c] = (float) (-kc * meanDyXhat / sd);
            b[c] = (float) (-kc * meanDy + kc * meanDyXhat * mu[c] / sd);
            dGamma[c] = (float) dg;
        }
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, x.shape(), 'c');
        scaleAndShift(x, Nd4j.createFromArray(a), Nd4j.createFromArray(b), eps, dx);
        scaleAndShift(dy, Nd4j.createFromArray(k), Nd4j.zeros(DataType.FLOAT, channels), eps, work);
        dx.addi(work);

        dGammaView.assign(Nd4j.createFromArray(dGamma).reshape(dGammaView.shape()));
        dBetaView.assign(Nd4j.createFromArray(sumDy).reshape(dBetaView.shape()));
        Gradient gradient = new DefaultGradient();
        gradient.setGradientFor("gamma", dGammaView);
        gradient.setGradientFor("beta", dBetaView);
        return new Pair<>(gradient, dx);
    }

    private static INDArray contiguous(INDArray array) {
        return Shape.hasDefaultStridesForShape(array) ? array : array.dup('c');
    }

    /** Sums over batch, rows and columns: first along each contiguous plane, libnd4j's fast case. */
    private static float[] perChannelSum(INDArray nchw) {
        long n = nchw.size(0);
        long c = nchw.size(1);
        return nchw.reshape(n, c, nchw.length() / (n * c)).sum(2).sum(0).toFloatVector();
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
        normalize(x, zero, unit, scale, shift, eps, out);
    }
}
