package io.fovea.trainer.runtime;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A 2D convolution's backward pass (NCHW, weights [out, in, kH, kW]) as two matrix products over
 * the whole batch. The input's patches form a matrix with one row per output pixel and one column
 * per input channel and kernel tap; the weight gradient is deltaᵀ · patches, and delta · weights
 * gives each patch's gradient, which libnd4j's col2im sums back onto the input pixels it came from.
 *
 * <p>Why: oneDNN 2.x as DL4J 1.0.0-M2.1 ships it computes the weight gradient of VGG16's 2x2
 * layers image by image (products only four rows deep) and runs its 4x4 and 2x2 layers as
 * Winograd on AVX-512, so their backward pass costs far more than two products over the batch
 * (figures: docs/benchmarks.md, "Training against inference"). Patches are gathered with one
 * strided copy per kernel tap from a zero-padded channels-last copy of the input, faster than
 * libnd4j's im2col into this layout; the products run as libnd4j's matmul op (oneDNN's sgemm),
 * not INDArray.mmul, which is much slower for the same products in this build.
 */
final class MatmulConvolutionBackward {
    /**
     * The most patch-matrix elements (1 GiB of floats) it takes on. Past that the images are large,
     * where oneDNN wins anyway, and DL4J's workspaces would keep the memory from then on.
     */
    static final long MAX_PATCH_ELEMENTS = 1L << 28;

    private MatmulConvolutionBackward() {}

    /** Whether the patch matrix of this input and geometry stays within {@link #MAX_PATCH_ELEMENTS}. */
    static boolean takes(long[] inputShape, Geometry g) {
        double elements = (double) inputShape[0]
                * inputShape[1]
                * g.kernel()[0]
                * g.kernel()[1]
                * g.outSize()[0]
                * g.outSize()[1];
        return elements <= MAX_PATCH_ELEMENTS;
    }

    /**
     * The kernel, stride, dilation and top/left padding as {height, width}, and the output's size.
     */
    record Geometry(int[] kernel, int[] stride, int[] dilation, int[] pad, int[] outSize) {
        long span(int axis) {
            return (long) (outSize[axis] - 1) * stride[axis] + (long) (kernel[axis] - 1) * dilation[axis] + 1;
        }
    }

    /**
     * Writes the weight gradient into {@code weightGrad} ([out, in, kH, kW], contiguous) and the
     * bias gradient into {@code biasGrad} (null for none); returns the input's gradient.
     */
    static INDArray backprop(
            INDArray input,
            INDArray weights,
            INDArray delta,
            Geometry g,
            INDArray weightGrad,
            INDArray biasGrad,
            LayerWorkspaceMgr workspaceMgr) {
        long batch = input.size(0), channels = input.size(1), height = input.size(2), width = input.size(3);
        long outChannels = weights.size(0);
        int taps = g.kernel()[0] * g.kernel()[1];
        long rows = batch * g.outSize()[0] * g.outSize()[1];
        long columns = channels * taps;

        // channels last, zero borders: every tap's window is a strided view of it
        INDArray padded = Nd4j.zeros(
                input.dataType(),
                batch,
                Math.max(g.pad()[0] + height, g.span(0)),
                Math.max(g.pad()[1] + width, g.span(1)),
                channels);
        inside(padded, g, height, width).assign(input.permute(0, 2, 3, 1));
        INDArray patches = Nd4j.createUninitialized(
                input.dataType(), new long[] {batch, g.outSize()[0], g.outSize()[1], channels, taps}, 'c');
        for (int tap = 0; tap < taps; tap++) {
            tapOf(patches, tap).assign(window(padded, g, tap));
        }
        INDArray patches2d = patches.reshape('c', rows, columns);
        INDArray deltaRows = delta.permute(0, 2, 3, 1).dup('c').reshape('c', rows, outChannels);

        INDArray weightGrad2d = Shape.newShapeNoCopy(weightGrad, new long[] {outChannels, columns}, false);
        if (weightGrad2d == null) {
            throw new IllegalArgumentException("the weight gradient must be one contiguous array");
        }
        matmul(deltaRows, true, patches2d, weightGrad2d);
        if (biasGrad != null) {
            delta.sum(biasGrad, 0, 2, 3);
        }

        // each patch's gradient, into the patches' own memory, then summed onto the input's pixels
        matmul(deltaRows, false, weights.reshape('c', outChannels, columns), patches2d);
        INDArray inputGrad =
                workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape(), 'c');
        INDArray patchGrads = patches.reshape(
                        'c', batch, g.outSize()[0], g.outSize()[1], channels, g.kernel()[0], g.kernel()[1])
                .permute(0, 3, 4, 5, 1, 2); // as col2im reads them: [batch, channels, kH, kW, outH, outW]
        Nd4j.exec(DynamicCustomOp.builder("col2im")
                .addInputs(patchGrads)
                .addOutputs(inputGrad)
                .addIntegerArguments(
                        g.stride()[0],
                        g.stride()[1],
                        g.pad()[0],
                        g.pad()[1],
                        (int) height,
                        (int) width,
                        g.dilation()[0],
                        g.dilation()[1],
                        0)
                .build());
        return inputGrad;
    }

    private static INDArray inside(INDArray padded, Geometry g, long height, long width) {
        return padded.get(
                all(), interval(g.pad()[0], g.pad()[0] + height), interval(g.pad()[1], g.pad()[1] + width), all());
    }

    /** The padded input's pixels that kernel tap {@code tap} sees, one per output pixel. */
    private static INDArray window(INDArray padded, Geometry g, int tap) {
        long top = (long) (tap / g.kernel()[1]) * g.dilation()[0];
        long left = (long) (tap % g.kernel()[1]) * g.dilation()[1];
        return padded.get(
                all(),
                interval(top, g.stride()[0], top + (long) (g.outSize()[0] - 1) * g.stride()[0] + 1),
                interval(left, g.stride()[1], left + (long) (g.outSize()[1] - 1) * g.stride()[1] + 1),
                all());
    }

    private static INDArray tapOf(INDArray patches, int tap) {
        return patches.get(all(), all(), all(), all(), point(tap));
    }

    /** {@code out = (transposeLeft ? leftᵀ : left) · right}, on libnd4j's matmul op. */
    private static void matmul(INDArray left, boolean transposeLeft, INDArray right, INDArray out) {
        Nd4j.exec(DynamicCustomOp.builder("matmul")
                .addInputs(left, right)
                .addOutputs(out)
                .addIntegerArguments(transposeLeft ? 1 : 0, 0, 0)
                .addFloatingPointArguments(1.0, 0.0)
                .build());
    }
}
