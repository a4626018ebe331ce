package org.sparkprop.kernels;

import dev.ludovic.netlib.blas.BLAS;

import java.util.Arrays;
import java.util.Objects;

/**
 * {@link Network} in double precision: dgemm, double buffers and gradients.
 * The loops mirror {@link FloatNetwork} line by line.
 */
final class DoubleNetwork extends DenseNetwork<double[]> {
    private static final double LEAKY_SLOPE = Activation.LEAKY_SLOPE;
    /** The ReLU family's kernels on the Vector API once warm (ElementMath has sigmoid's and tanh's). */
    static final VectorGate LEAKY_RELU = new VectorGate(VectorGate.RELU_ELEMENTS);
    static final VectorGate RELU_BACKWARD = new VectorGate(VectorGate.RELU_ELEMENTS);
    static final VectorGate LEAKY_RELU_BACKWARD = new VectorGate(VectorGate.RELU_ELEMENTS);

    DoubleNetwork(Topology topology, BLAS blas) {
        super(topology, Precision.DOUBLE, blas);
    }

    @Override
    public double[] newArray(int length) {
        return new double[length];
    }

    @Override
    public void castInto(double[] values, double[] target, int from, int to) {
        Objects.checkFromToIndex(from, to, Math.min(values.length, target.length));
        System.arraycopy(values, from, target, from, to - from);
    }

    @Override
    public void addTo(double[] values, double[] target, int from, int to) {
        Objects.checkFromToIndex(from, to, Math.min(values.length, target.length));
        for (int i = from; i < to; i++) {
            target[i] += values[i];
        }
    }

    @Override
    public void zero(double[] values) {
        Arrays.fill(values, 0.0);
    }

    @Override
    int length(double[] values) {
        return values.length;
    }

    @Override
    double valueAt(double[] values, int index) {
        return values[index];
    }

    @Override
    void gemm(String transA, String transB, int m, int n, int k, double[] a, int aOffset, int lda,
              double[] b, int bOffset, int ldb, boolean accumulate, double[] c, int cOffset, int ldc) {
        blas.dgemm(transA, transB, m, n, k, 1.0, a, aOffset, lda, b, bOffset, ldb, accumulate ? 1.0 : 0.0, c, cOffset, ldc);
    }

    @Override
    void gatherColumns(double[] dst, float[] src, int width, int[] rows, int from, int count) {
        // dst is width × count, src width × blockRows
        for (int c = 0; c < count; c++) {
            int srcStart = rows[from + c] * width;
            int dstStart = c * width;
            for (int k = 0; k < width; k++) {
                dst[dstStart + k] = src[srcStart + k];
            }
        }
    }

    @Override
    void copyFromFloat(double[] dst, float[] src, int srcOffset, int length) {
        for (int i = 0; i < length; i++) {
            dst[i] = src[srcOffset + i];
        }
    }

    @Override
    void copyToDouble(double[] dst, int dstOffset, double[] src, int length) {
        System.arraycopy(src, 0, dst, dstOffset, length);
    }

    @Override
    void fillBias(double[] z, double[] params, int biasOffset, int width, int rows) {
        // z is width × rows, bias width
        for (int c = 0; c < rows; c++) {
            System.arraycopy(params, biasOffset, z, c * width, width);
        }
    }

    @Override
    void activate(Activation f, double[] z, double[] a, int width, int rows) {
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
                    a[i] = Math.max(z[i], 0.0);
                }
            }
            case LEAKY_RELU -> {
                if (LEAKY_RELU.vector(n)) {
                    VectorMath.leakyRelu(z, a, n, LEAKY_SLOPE);
                } else {
                    for (int i = 0; i < n; i++) {
                        double v = z[i];
                        a[i] = v < 0.0 ? LEAKY_SLOPE * v : v;
                    }
                }
            }
            case SIGMOID -> ElementMath.sigmoid(z, a, n);
            case TANH -> ElementMath.tanh(z, a, n);
            case SOFTMAX -> {
                for (int c = 0; c < rows; c++) {
                    int start = c * width;
                    double max = z[start];
                    for (int k = 1; k < width; k++) {
                        max = Math.max(max, z[start + k]);
                    }
                    double sum = 0;
                    for (int k = 0; k < width; k++) {
                        double e = Math.exp(z[start + k] - max);
                        a[start + k] = e;
                        sum += e;
                    }
                    double inverse = 1.0 / sum;
                    for (int k = 0; k < width; k++) {
                        a[start + k] *= inverse;
                    }
                }
            }
        }
    }

    @Override
    void activationBackward(Activation f, double[] a, double[] delta, int width, int rows) {
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
                        delta[i] = a[i] < 0.0 ? LEAKY_SLOPE * delta[i] : delta[i];
                    }
                }
            }
            case SIGMOID -> {
                for (int i = 0; i < n; i++) {
                    delta[i] *= a[i] * (1.0 - a[i]);
                }
            }
            case TANH -> {
                for (int i = 0; i < n; i++) {
                    delta[i] *= 1.0 - a[i] * a[i];
                }
            }
            case SOFTMAX -> {
                for (int c = 0; c < rows; c++) {
                    int start = c * width;
                    double dot = 0.0;
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
    void addRowSums(double[] grad, int biasOffset, double[] delta, int width, int rows) {
        // delta is width × rows, grad[biasOffset ..] width
        for (int c = 0; c < rows; c++) {
            int start = c * width;
            for (int o = 0; o < width; o++) {
                grad[biasOffset + o] += delta[start + o];
            }
        }
    }

    @Override
    double outputLoss(Loss loss, double[] z, double[] a, double[] y, int yOffset, int width, int rows) {
        // z, a are width × rows; y is targetWidth × rows from yOffset
        double sum = 0;
        switch (loss) {
            case MSE -> {
                for (int i = 0; i < width * rows; i++) {
                    double diff = a[i] - y[yOffset + i];
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
    double weightedOutputLoss(Loss loss, double[] z, double[] a, double[] y, int yOffset, double[] weights, int weightOffset, int width, int rows) {
        // z, a are width × rows; y is targetWidth × rows from yOffset; weights rows from weightOffset
        double sum = 0;
        switch (loss) {
            case MSE -> {
                for (int c = 0; c < rows; c++) {
                    double weight = weights[weightOffset + c];
                    for (int i = c * width; i < (c + 1) * width; i++) {
                        double diff = a[i] - y[yOffset + i];
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
    void fillKeep(double[] keep, int width, int count, int[] rows, int rowsOffset, int hidden, double rate, long maskSeed) {
        // keep is width × count; column c is block row rows[rowsOffset + c]
        double scale = (1 / (1 - rate));
        for (int c = 0; c < count; c++) {
            long rowKey = Dropout.rowKey(maskSeed, rows[rowsOffset + c], hidden);
            for (int k = 0; k < width; k++) {
                keep[c * width + k] = Dropout.uniform(rowKey, k) >= rate ? scale : 0;
            }
        }
    }

    @Override
    void multiply(double[] product, double[] a, double[] b, int length) {
        for (int i = 0; i < length; i++) {
            product[i] = a[i] * b[i];
        }
    }

    @Override
    void scaleColumns(double[] values, double[] scales, int scaleOffset, int width, int rows) {
        // values is width × rows; scales rows from scaleOffset
        for (int c = 0; c < rows; c++) {
            double scale = scales[scaleOffset + c];
            for (int i = c * width; i < (c + 1) * width; i++) {
                values[i] *= scale;
            }
        }
    }

    @Override
    void outputDelta(Loss loss, double[] a, double[] y, int yOffset, int width, int rows, double[] delta) {
        // a, delta are width × rows; y is targetWidth × rows from yOffset
        switch (loss) {
            case MSE -> {
                double scale = 2.0 / width;
                for (int i = 0; i < width * rows; i++) {
                    delta[i] = scale * (a[i] - y[yOffset + i]);
                }
            }
            case SOFTMAX_CROSS_ENTROPY -> {
                System.arraycopy(a, 0, delta, 0, width * rows);
                for (int c = 0; c < rows; c++) {
                    delta[c * width + (int) y[yOffset + c]] -= 1.0;
                }
            }
            case BINARY_CROSS_ENTROPY -> {
                double scale = 1.0 / width;
                for (int i = 0; i < width * rows; i++) {
                    delta[i] = scale * (a[i] - y[yOffset + i]);
                }
            }
        }
    }

    @Override
    void sparseMultAdd(double[] z, double[] params, int weightOffset, int nOut, SparseRows x, int[] rows, int rowsOffset, int count) {
        // z is nOut × count; W is nOut × x.width() at weightOffset; column c of X is block row rows[rowsOffset + c] of x
        int[] rowStart = x.rowStart;
        int[] index = x.index;
        float[] values = x.values;
        for (int c = 0; c < count; c++) {
            int row = rows[rowsOffset + c];
            int zStart = c * nOut;
            for (int k = rowStart[row]; k < rowStart[row + 1]; k++) {
                double v = values[k];
                int wStart = weightOffset + index[k] * nOut;
                for (int o = 0; o < nOut; o++) {
                    z[zStart + o] += v * params[wStart + o];
                }
            }
        }
    }

    @Override
    void sparseMultAddFromDouble(double[] z, double[] weights, int weightOffset, int nOut, SparseRows x, int[] rows, int rowsOffset, int count) {
        sparseMultAdd(z, weights, weightOffset, nOut, x, rows, rowsOffset, count);
    }

    @Override
    void sparseMultTransBAdd(double[] grad, int weightOffset, double[] dZ, int nOut, SparseRows x, int[] rows, int rowsOffset, int count) {
        // dW is nOut × x.width() at weightOffset in grad; dZ is nOut × count; X as in sparseMultAdd
        int[] rowStart = x.rowStart;
        int[] index = x.index;
        float[] values = x.values;
        for (int c = 0; c < count; c++) {
            int row = rows[rowsOffset + c];
            int dZStart = c * nOut;
            for (int k = rowStart[row]; k < rowStart[row + 1]; k++) {
                double v = values[k];
                int gStart = weightOffset + index[k] * nOut;
                for (int o = 0; o < nOut; o++) {
                    grad[gStart + o] += v * dZ[dZStart + o];
                }
            }
        }
    }
}
