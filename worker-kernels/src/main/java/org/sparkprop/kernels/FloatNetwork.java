package org.sparkprop.kernels;

import dev.ludovic.netlib.blas.BLAS;

import java.util.Arrays;
import java.util.Objects;

/**
 * {@link Network} in single precision: sgemm, float buffers and gradients; losses accumulated in double.
 * The loops mirror {@link DoubleNetwork} line by line.
 */
final class FloatNetwork extends DenseNetwork<float[]> {
    private static final float LEAKY_SLOPE = (float) Activation.LEAKY_SLOPE;
    /** The ReLU family's kernels on the Vector API once warm (ElementMath has sigmoid's and tanh's). */
    static final VectorGate LEAKY_RELU = new VectorGate(VectorGate.RELU_ELEMENTS);
    static final VectorGate RELU_BACKWARD = new VectorGate(VectorGate.RELU_ELEMENTS);
    static final VectorGate LEAKY_RELU_BACKWARD = new VectorGate(VectorGate.RELU_ELEMENTS);

    FloatNetwork(Topology topology, BLAS blas) {
        super(topology, Precision.FLOAT, blas);
    }

    @Override
    public float[] newArray(int length) {
        return new float[length];
    }

    @Override
    public void castInto(double[] values, float[] target, int from, int to) {
        Objects.checkFromToIndex(from, to, Math.min(values.length, target.length));
        for (int i = from; i < to; i++) {
            target[i] = (float) values[i];
        }
    }

    @Override
    public void addTo(float[] values, double[] target, int from, int to) {
        Objects.checkFromToIndex(from, to, Math.min(values.length, target.length));
        for (int i = from; i < to; i++) {
            target[i] += values[i];
        }
    }

    @Override
    public void zero(float[] values) {
        Arrays.fill(values, 0f);
    }

    @Override
    int length(float[] values) {
        return values.length;
    }

    @Override
    double valueAt(float[] values, int index) {
        return values[index];
    }

    @Override
    void gemm(String transA, String transB, int m, int n, int k, float[] a, int aOffset, int lda,
              float[] b, int bOffset, int ldb, boolean accumulate, float[] c, int cOffset, int ldc) {
        blas.sgemm(transA, transB, m, n, k, 1f, a, aOffset, lda, b, bOffset, ldb, accumulate ? 1f : 0f, c, cOffset, ldc);
    }

    @Override
    void gatherColumns(float[] dst, float[] src, int width, int[] rows, int from, int count) {
        // dst is width × count, src width × blockRows
        for (int c = 0; c < count; c++) {
            System.arraycopy(src, rows[from + c] * width, dst, c * width, width);
        }
    }

    @Override
    void copyFromFloat(float[] dst, float[] src, int srcOffset, int length) {
        System.arraycopy(src, srcOffset, dst, 0, length);
    }

    @Override
    void copyToDouble(double[] dst, int dstOffset, float[] src, int length) {
        for (int i = 0; i < length; i++) {
            dst[dstOffset + i] = src[i];
        }
    }

    @Override
    void fillBias(float[] z, float[] params, int biasOffset, int width, int rows) {
        // z is width × rows, bias width
        for (int c = 0; c < rows; c++) {
            System.arraycopy(params, biasOffset, z, c * width, width);
        }
    }

    @Override
    void activate(Activation f, float[] z, float[] a, int width, int rows) {
        // z, a are width × rows
        int n = width * rows;
        switch (f) {
            case IDENTITY -> {
                if (a != z) {
                    System.arraycopy(z, 0, a, 0, n);
                }
            }
            case RELU -> {
                // branch-free (max here, a multiply by signum in the backward pass): with half the signs negative a
                // branch mispredicts half the time, which cost about a tenth of a 784-128-10 pass. The JIT vectorizes
                // this max but not the signum, hence VectorMath.reluBackward.
                for (int i = 0; i < n; i++) {
                    a[i] = Math.max(z[i], 0f);
                }
            }
            case LEAKY_RELU -> {
                if (LEAKY_RELU.vector(n)) {
                    VectorMath.leakyRelu(z, a, n, LEAKY_SLOPE);
                } else {
                    for (int i = 0; i < n; i++) {
                        float v = z[i];
                        a[i] = v < 0f ? LEAKY_SLOPE * v : v;
                    }
                }
            }
            case SIGMOID -> ElementMath.sigmoid(z, a, n);
            case TANH -> ElementMath.tanh(z, a, n);
            case SOFTMAX -> {
                for (int c = 0; c < rows; c++) {
                    int start = c * width;
                    float max = z[start];
                    for (int k = 1; k < width; k++) {
                        max = Math.max(max, z[start + k]);
                    }
                    double sum = 0;
                    for (int k = 0; k < width; k++) {
                        double e = Math.exp(z[start + k] - max);
                        a[start + k] = (float) e;
                        sum += e;
                    }
                    float inverse = (float) (1.0 / sum);
                    for (int k = 0; k < width; k++) {
                        a[start + k] *= inverse;
                    }
                }
            }
        }
    }

    @Override
    void activationBackward(Activation f, float[] a, float[] delta, int width, int rows) {
        // a, delta are width × rows
        int n = width * rows;
        switch (f) {
            case IDENTITY -> {
            }
            case RELU -> {
                if (RELU_BACKWARD.vector(n)) {
                    VectorMath.reluBackward(a, delta, n);
                } else {
                    for (int i = 0; i < n; i++) {
                        delta[i] *= Math.signum(a[i]);
                    }
                }
            }
            case LEAKY_RELU -> {
                if (LEAKY_RELU_BACKWARD.vector(n)) {
                    VectorMath.leakyReluBackward(a, delta, n, LEAKY_SLOPE);
                } else {
                    for (int i = 0; i < n; i++) {
                        delta[i] = a[i] < 0f ? LEAKY_SLOPE * delta[i] : delta[i];
                    }
                }
            }
            case SIGMOID -> {
                for (int i = 0; i < n; i++) {
                    delta[i] *= a[i] * (1f - a[i]);
                }
            }
            case TANH -> {
                for (int i = 0; i < n; i++) {
                    delta[i] *= 1f - a[i] * a[i];
                }
            }
            case SOFTMAX -> {
                for (int c = 0; c < rows; c++) {
                    int start = c * width;
                    float dot = 0f;
                    for (int k = 0; k < width; k++) {
                        dot += a[start + k] * delta[start + k];
                    }
                    for (int k = 0; k < width; k++) {
                        delta[start + k] = a[start + k] * (delta[start + k] - dot);
                    }
                }
            }
        }
    }

    @Override
    void addRowSums(float[] grad, int biasOffset, float[] delta, int width, int rows) {
        // delta is width × rows, grad[biasOffset ..] width
        for (int c = 0; c < rows; c++) {
            int start = c * width;
            for (int o = 0; o < width; o++) {
                grad[biasOffset + o] += delta[start + o];
            }
        }
    }

    @Override
    double outputLoss(Loss loss, float[] z, float[] a, float[] y, int yOffset, int width, int rows) {
        // z, a are width × rows; y is targetWidth × rows from yOffset
        double sum = 0;
        switch (loss) {
            case MSE -> {
                for (int i = 0; i < width * rows; i++) {
                    double diff = (double) a[i] - y[yOffset + i];
                    sum += diff * diff;
                }
                sum /= width;
            }
            case SOFTMAX_CROSS_ENTROPY -> {
                for (int c = 0; c < rows; c++) {
                    int start = c * width;
                    double max = z[start];
                    for (int k = 1; k < width; k++) {
                        max = Math.max(max, z[start + k]);
                    }
                    double sumExp = 0;
                    for (int k = 0; k < width; k++) {
                        sumExp += Math.exp(z[start + k] - max);
                    }
                    sum += max + Math.log(sumExp) - z[start + (int) y[yOffset + c]];
                }
            }
            case BINARY_CROSS_ENTROPY -> {
                for (int i = 0; i < width * rows; i++) {
                    double logit = z[i];
                    sum += Math.max(logit, 0) - logit * y[yOffset + i] + Math.log1p(Math.exp(-Math.abs(logit)));
                }
                sum /= width;
            }
        }
        return sum;
    }

    @Override
    double weightedOutputLoss(Loss loss, float[] z, float[] a, float[] y, int yOffset, float[] weights, int weightOffset, int width, int rows) {
        // z, a are width × rows; y is targetWidth × rows from yOffset; weights rows from weightOffset
        double sum = 0;
        switch (loss) {
            case MSE -> {
                for (int c = 0; c < rows; c++) {
                    double weight = weights[weightOffset + c];
                    for (int i = c * width; i < (c + 1) * width; i++) {
                        double diff = (double) a[i] - y[yOffset + i];
                        sum += weight * (diff * diff);
                    }
                }
                sum /= width;
            }
            case SOFTMAX_CROSS_ENTROPY -> {
                for (int c = 0; c < rows; c++) {
                    int start = c * width;
                    double max = z[start];
                    for (int k = 1; k < width; k++) {
                        max = Math.max(max, z[start + k]);
                    }
                    double sumExp = 0;
                    for (int k = 0; k < width; k++) {
                        sumExp += Math.exp(z[start + k] - max);
                    }
                    sum += weights[weightOffset + c] * (max + Math.log(sumExp) - z[start + (int) y[yOffset + c]]);
                }
            }
            case BINARY_CROSS_ENTROPY -> {
                for (int c = 0; c < rows; c++) {
                    double weight = weights[weightOffset + c];
                    for (int i = c * width; i < (c + 1) * width; i++) {
                        double logit = z[i];
                        sum += weight * (Math.max(logit, 0) - logit * y[yOffset + i] + Math.log1p(Math.exp(-Math.abs(logit))));
                    }
                }
                sum /= width;
            }
        }
        return sum;
    }

    @Override
    void fillKeep(float[] keep, int width, int count, int[] rows, int rowsOffset, int hidden, double rate, long maskSeed) {
        // keep is width × count; column c is block row rows[rowsOffset + c]
        float scale = (float) (1 / (1 - rate));
        for (int c = 0; c < count; c++) {
            long rowKey = Dropout.rowKey(maskSeed, rows[rowsOffset + c], hidden);
            for (int k = 0; k < width; k++) {
                keep[c * width + k] = Dropout.uniform(rowKey, k) >= rate ? scale : 0;
            }
        }
    }

    @Override
    void multiply(float[] product, float[] a, float[] b, int length) {
        for (int i = 0; i < length; i++) {
            product[i] = a[i] * b[i];
        }
    }

    @Override
    void scaleColumns(float[] values, float[] scales, int scaleOffset, int width, int rows) {
        // values is width × rows; scales rows from scaleOffset
        for (int c = 0; c < rows; c++) {
            float scale = scales[scaleOffset + c];
            for (int i = c * width; i < (c + 1) * width; i++) {
                values[i] *= scale;
            }
        }
    }

    @Override
    void outputDelta(Loss loss, float[] a, float[] y, int yOffset, int width, int rows, float[] delta) {
        // a, delta are width × rows; y is targetWidth × rows from yOffset
        switch (loss) {
            case MSE -> {
                float scale = 2f / width;
                for (int i = 0; i < width * rows; i++) {
                    delta[i] = scale * (a[i] - y[yOffset + i]);
                }
            }
            case SOFTMAX_CROSS_ENTROPY -> {
                System.arraycopy(a, 0, delta, 0, width * rows);
                for (int c = 0; c < rows; c++) {
                    delta[c * width + (int) y[yOffset + c]] -= 1f;
                }
            }
            case BINARY_CROSS_ENTROPY -> {
                float scale = 1f / width;
                for (int i = 0; i < width * rows; i++) {
                    delta[i] = scale * (a[i] - y[yOffset + i]);
                }
            }
        }
    }

    // The sparse kernels below take a row's non-zeros four (forward) or two (backward) at a time: each pass then has
    // that many rows of W or dW in flight, which the memory system fetches side by side, where one at a time it
    // waits for each in turn (W is megabytes, read in no order a prefetcher can follow). Every element still
    // receives its terms one by one, in the non-zeros' order: the same bits as one non-zero at a time.

    @Override
    void sparseMultAdd(float[] z, float[] params, int weightOffset, int nOut, SparseRows x, int[] rows, int rowsOffset, int count) {
        // z is nOut × count; W is nOut × x.width() at weightOffset; column c of X is block row rows[rowsOffset + c] of x
        int[] rowStart = x.rowStart;
        int[] index = x.index;
        float[] values = x.values;
        for (int c = 0; c < count; c++) {
            int row = rows[rowsOffset + c];
            int zStart = c * nOut;
            int k = rowStart[row];
            int end = rowStart[row + 1];
            for (; k + 3 < end; k += 4) {
                float v0 = values[k];
                float v1 = values[k + 1];
                float v2 = values[k + 2];
                float v3 = values[k + 3];
                int w0 = weightOffset + index[k] * nOut;
                int w1 = weightOffset + index[k + 1] * nOut;
                int w2 = weightOffset + index[k + 2] * nOut;
                int w3 = weightOffset + index[k + 3] * nOut;
                for (int o = 0; o < nOut; o++) {
                    z[zStart + o] = (((z[zStart + o] + v0 * params[w0 + o]) + v1 * params[w1 + o]) + v2 * params[w2 + o]) + v3 * params[w3 + o];
                }
            }
            for (; k < end; k++) {
                float v = values[k];
                int wStart = weightOffset + index[k] * nOut;
                for (int o = 0; o < nOut; o++) {
                    z[zStart + o] += v * params[wStart + o];
                }
            }
        }
    }

    @Override
    void sparseMultAddFromDouble(float[] z, double[] weights, int weightOffset, int nOut, SparseRows x, int[] rows, int rowsOffset, int count) {
        // as sparseMultAdd over params = weights cast to float
        int[] rowStart = x.rowStart;
        int[] index = x.index;
        float[] values = x.values;
        for (int c = 0; c < count; c++) {
            int row = rows[rowsOffset + c];
            int zStart = c * nOut;
            int k = rowStart[row];
            int end = rowStart[row + 1];
            for (; k + 3 < end; k += 4) {
                float v0 = values[k];
                float v1 = values[k + 1];
                float v2 = values[k + 2];
                float v3 = values[k + 3];
                int w0 = weightOffset + index[k] * nOut;
                int w1 = weightOffset + index[k + 1] * nOut;
                int w2 = weightOffset + index[k + 2] * nOut;
                int w3 = weightOffset + index[k + 3] * nOut;
                for (int o = 0; o < nOut; o++) {
                    z[zStart + o] = (((z[zStart + o] + v0 * (float) weights[w0 + o]) + v1 * (float) weights[w1 + o]) + v2 * (float) weights[w2 + o])
                            + v3 * (float) weights[w3 + o];
                }
            }
            for (; k < end; k++) {
                float v = values[k];
                int wStart = weightOffset + index[k] * nOut;
                for (int o = 0; o < nOut; o++) {
                    z[zStart + o] += v * (float) weights[wStart + o];
                }
            }
        }
    }

    @Override
    void sparseMultTransBAdd(float[] grad, int weightOffset, float[] dZ, int nOut, SparseRows x, int[] rows, int rowsOffset, int count) {
        // dW is nOut × x.width() at weightOffset in grad; dZ is nOut × count; X as in sparseMultAdd
        int[] rowStart = x.rowStart;
        int[] index = x.index;
        float[] values = x.values;
        for (int c = 0; c < count; c++) {
            int row = rows[rowsOffset + c];
            int dZStart = c * nOut;
            int k = rowStart[row];
            int end = rowStart[row + 1];
            for (; k + 1 < end; k += 2) {
                float v0 = values[k];
                float v1 = values[k + 1];
                int g0 = weightOffset + index[k] * nOut;
                int g1 = weightOffset + index[k + 1] * nOut;
                for (int o = 0; o < nOut; o++) {
                    float d = dZ[dZStart + o];
                    grad[g0 + o] += v0 * d;
                    grad[g1 + o] += v1 * d;
                }
            }
            for (; k < end; k++) {
                float v = values[k];
                int gStart = weightOffset + index[k] * nOut;
                for (int o = 0; o < nOut; o++) {
                    grad[gStart + o] += v * dZ[dZStart + o];
                }
            }
        }
    }
}
