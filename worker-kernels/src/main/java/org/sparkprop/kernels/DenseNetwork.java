package org.sparkprop.kernels;

import dev.ludovic.netlib.blas.BLAS;

/**
 * The passes of {@link Network}, written once for both precisions: argument checks, chunking, gathering and
 * the layer-by-layer forward and backward orchestration. The subclasses supply only the element-wise loops
 * and the gemm call of their compute type, each called once per layer and chunk (never per row).
 *
 * @param <A> float[] or double[]
 */
abstract class DenseNetwork<A> implements Network<A> {
    /** The BLAS every gemm of this network calls. */
    final BLAS blas;
    private final Topology topology;
    private final Precision precision;
    private final int layers;
    private final int[] sizes;
    private final Activation[] activations;
    private final int[] weightOffsets;
    private final int[] biasOffsets;
    private final int parameterCount;
    private final int targetWidth;

    DenseNetwork(Topology topology, Precision precision, BLAS blas) {
        if (topology == null) {
            throw new IllegalArgumentException("Network: topology is required");
        }
        if (blas == null) {
            throw new IllegalArgumentException("Network: blas is required");
        }
        this.blas = blas;
        this.topology = topology;
        this.precision = precision;
        this.layers = topology.layers();
        this.sizes = topology.sizes();
        this.activations = topology.activations();
        this.weightOffsets = new int[layers];
        this.biasOffsets = new int[layers];
        for (int l = 0; l < layers; l++) {
            weightOffsets[l] = topology.weightOffset(l);
            biasOffsets[l] = topology.biasOffset(l);
        }
        this.parameterCount = topology.parameterCount();
        this.targetWidth = topology.targetWidth();
    }

    /**
     * tanh(z) on the {@link Math#exp} intrinsic, about three times faster than {@link Math#tanh} (a pure-Java
     * fdlibm port on JDK 17): sign(z)·(1 − e^{−2|z|}) / (1 + e^{−2|z|}), and below |z| = 1e-2, where that
     * form would cancel, the series z − z³/3 + 2z⁵/15 (its remainder, 17z⁷/315, is under 1e-13 relative there).
     * Relative error below 1e-13 everywhere.
     */
    static double tanh(double z) {
        double abs = Math.abs(z);
        if (abs < 1e-2) {
            double z2 = z * z;
            return z * (1 - z2 * (1.0 / 3 - z2 * (2.0 / 15)));
        }
        double e = Math.exp(-2 * abs);
        return Math.copySign((1 - e) / (1 + e), z);
    }

    @Override
    public final void castInto(double[] values, A target) {
        sameLength("castInto", values.length, length(target));
        castInto(values, target, 0, values.length);
    }

    @Override
    public final void addTo(A values, double[] target) {
        sameLength("addTo", length(values), target.length);
        addTo(values, target, 0, target.length);
    }

    private static void sameLength(String operation, int values, int target) {
        if (values != target) {
            throw new IllegalArgumentException(operation + ": values has " + values + " elements, target " + target);
        }
    }

    // ---- element-wise kernels of the compute type; shapes column-major, one column per row ----

    abstract int length(A values);

    /** values[index] as a double. */
    abstract double valueAt(A values, int index);

    /** C = op(A)·op(B) + (accumulate ? C : 0), BLAS gemm with alpha 1. */
    abstract void gemm(String transA, String transB, int m, int n, int k, A a, int aOffset, int lda,
                       A b, int bOffset, int ldb, boolean accumulate, A c, int cOffset, int ldc);

    /** dst (width × count) column c = src (width × blockRows) column rows[from + c]. */
    abstract void gatherColumns(A dst, float[] src, int width, int[] rows, int from, int count);

    /** dst[0 .. length) = src[srcOffset .. srcOffset + length), cast. */
    abstract void copyFromFloat(A dst, float[] src, int srcOffset, int length);

    /** dst[dstOffset .. dstOffset + length) = src[0 .. length), cast. */
    abstract void copyToDouble(double[] dst, int dstOffset, A src, int length);

    /** Every column of z (width × rows) = params[biasOffset .. biasOffset + width). */
    abstract void fillBias(A z, A params, int biasOffset, int width, int rows);

    /** a = f(z) for z, a width × rows (softmax per column); a may be z. */
    abstract void activate(Activation f, A z, A a, int width, int rows);

    /**
     * delta = delta ⊙ f'(z) given a = f(z), both width × rows; for softmax per column
     * delta_i = a_i (delta_i − Σ_j a_j delta_j) (the Jacobian-vector product).
     */
    abstract void activationBackward(Activation f, A a, A delta, int width, int rows);

    /** grad[biasOffset + o] += Σ_c delta[o, c] for delta width × rows. */
    abstract void addRowSums(A grad, int biasOffset, A delta, int width, int rows);

    /**
     * Σ over the rows of the per-row loss (see {@link Loss}) of outputs a and logits z (width × rows) against
     * targets y (targetWidth × rows at yOffset), accumulated in double; cross-entropies from the logits.
     */
    abstract double outputLoss(Loss loss, A z, A a, A y, int yOffset, int width, int rows);

    /**
     * Σ over the rows of w_row times the per-row loss, as {@link #outputLoss} with row c weighted by
     * weights[weightOffset + c]; the same sum in the same order, so weights of exactly 1 give its bits.
     */
    abstract double weightedOutputLoss(Loss loss, A z, A a, A y, int yOffset, A weights, int weightOffset, int width, int rows);

    /**
     * The dropout mask's factors of hidden layer {@code hidden} for a chunk: keep (width × count) column c, unit k =
     * 1/(1 − rate) in the compute type where {@link Dropout#keeps}(maskSeed, rows[rowsOffset + c], hidden, k, rate),
     * else 0.
     */
    abstract void fillKeep(A keep, int width, int count, int[] rows, int rowsOffset, int hidden, double rate, long maskSeed);

    /** product[i] = a[i]·b[i] for i in [0, length); product may be a. */
    abstract void multiply(A product, A a, A b, int length);

    /** values[k, c] *= scales[scaleOffset + c] for values width × rows: row c's column scaled by its weight. */
    abstract void scaleColumns(A values, A scales, int scaleOffset, int width, int rows);

    /**
     * Per-row loss gradient at the output (width × rows): for softmax cross-entropy ∂L/∂z = a − onehot(y),
     * for binary cross-entropy ∂L/∂z = (a − y)/K, for MSE ∂L/∂a = 2(a − y)/K (the caller then applies the
     * output activation's derivative).
     */
    abstract void outputDelta(Loss loss, A a, A y, int yOffset, int width, int rows, A delta);

    // ---- the first layer on sparse input; x's CSR arrays were checked when it was made ----

    /**
     * z += W·X for z (nOut × count), W (nOut × x.width(), column-major at params[weightOffset]) and X whose column c
     * is block row rows[rowsOffset + c] of x: for each non-zero (i, v) of that row, z[:, c] += v·W[:, i].
     */
    abstract void sparseMultAdd(A z, A params, int weightOffset, int nOut, SparseRows x, int[] rows, int rowsOffset, int count);

    /** {@link #sparseMultAdd} with W read from {@code weights} in double, each value cast to the compute type as it is read. */
    abstract void sparseMultAddFromDouble(A z, double[] weights, int weightOffset, int nOut, SparseRows x, int[] rows, int rowsOffset, int count);

    /**
     * dW += dZ·Xᵀ for dW (nOut × x.width(), column-major at grad[weightOffset]), dZ (nOut × count) and X as in
     * {@link #sparseMultAdd}: for each non-zero (i, v) of column c, dW[:, i] += v·dZ[:, c]; no other column of dW
     * is touched.
     */
    abstract void sparseMultTransBAdd(A grad, int weightOffset, A dZ, int nOut, SparseRows x, int[] rows, int rowsOffset, int count);

    // ---- Network ----

    @Override
    public Topology topology() {
        return topology;
    }

    @Override
    public Precision precision() {
        return precision;
    }

    @Override
    public Workspace newWorkspace(int maxRows) {
        return new Workspace(topology, precision, maxRows, true, this::newArray);
    }

    @Override
    public Workspace newSparseWorkspace(int maxRows) {
        return new Workspace(topology, precision, maxRows, false, this::newArray);
    }

    @Override
    public double accumulateGradient(A params, float[] x, float[] y, float[] weights, int[] rows, int from, int to,
                                     Dropout dropout, long maskSeed, A grad, Workspace ws) {
        String routine = "accumulateGradient";
        checkParamsAndGradient(routine, params, grad);
        checkDenseInputWorkspace(routine, ws);
        int blockRows = checkBlock(routine, x, y);
        checkWeightsLength(routine, weights, blockRows);
        checkRows(routine, y, weights, rows, from, to, blockRows);
        checkDropout(routine, dropout, ws);
        A input = input(ws);
        A targets = targets(ws);
        A rowWeights = weights == null ? null : rowWeights(ws);
        double loss = 0;
        for (int start = from; start < to; start += ws.maxRows()) {
            int count = Math.min(ws.maxRows(), to - start);
            gatherColumns(input, x, sizes[0], rows, start, count);
            gatherColumns(targets, y, targetWidth, rows, start, count);
            if (weights != null) {
                gatherColumns(rowWeights, weights, 1, rows, start, count);
            }
            loss += lossAndGradientChunk(params, input, 0, targets, 0, rowWeights, 0, count, rows, start, dropout, maskSeed, grad, ws);
        }
        return loss;
    }

    @Override
    public double evaluate(A params, float[] x, float[] y, float[] weights, int firstRow, int rowCount, double[] out, Workspace ws) {
        String routine = "evaluate";
        checkParams(routine, params);
        checkDenseInputWorkspace(routine, ws);
        int blockRows = y == null ? checkInputs(routine, x) : checkBlock(routine, x, y);
        checkEvaluateRows(routine, out, y, weights, firstRow, rowCount, blockRows);
        int outputs = topology.outputs();
        boolean weighted = y != null && weights != null;
        A input = input(ws);
        A targets = targets(ws);
        A output = output(ws);
        A rowWeights = rowWeights(ws);
        double loss = 0;
        for (int start = firstRow; start < firstRow + rowCount; start += ws.maxRows()) {
            int count = Math.min(ws.maxRows(), firstRow + rowCount - start);
            copyFromFloat(input, x, start * sizes[0], count * sizes[0]);
            forwardChunk(params, input, 0, count, null, 0, Dropout.NONE, 0, ws);
            if (y != null) {
                copyFromFloat(targets, y, start * targetWidth, count * targetWidth);
                if (weighted) {
                    copyFromFloat(rowWeights, weights, start, count);
                    loss += weightedOutputLoss(topology.loss(), logits(ws), output, targets, 0, rowWeights, 0, outputs, count);
                } else {
                    loss += outputLoss(topology.loss(), logits(ws), output, targets, 0, outputs, count);
                }
            }
            copyToDouble(out, (start - firstRow) * outputs, output, count * outputs);
        }
        return y == null ? Double.NaN : loss;
    }

    @Override
    public double accumulateGradient(A grad, A params, SparseRows x, float[] y, float[] weights, int[] rows, int from, int to,
                                     Dropout dropout, long maskSeed, Workspace ws) {
        String routine = "accumulateGradient";
        checkParamsAndGradient(routine, params, grad);
        checkWorkspace(routine, ws);
        int blockRows = checkSparseBlock(routine, x, y, true);
        checkWeightsLength(routine, weights, blockRows);
        checkRows(routine, y, weights, rows, from, to, blockRows);
        checkDropout(routine, dropout, ws);
        A targets = targets(ws);
        A rowWeights = weights == null ? null : rowWeights(ws);
        double loss = 0;
        for (int start = from; start < to; start += ws.maxRows()) {
            int count = Math.min(ws.maxRows(), to - start);
            gatherColumns(targets, y, targetWidth, rows, start, count);
            if (weights != null) {
                gatherColumns(rowWeights, weights, 1, rows, start, count);
            }
            sparseForwardChunk(params, x, rows, start, count, dropout, maskSeed, ws);
            loss += lossAndOutputDelta(targets, 0, rowWeights, 0, count, ws);
            backwardToFirstLayer(params, count, dropout, grad, ws);
            // dW_0 (sizes[1] × inputs) += dZ_0 · Xᵀ over the rows' non-zeros; db_0 += Σ_rows dZ_0
            A dZ = delta(ws, 0);
            sparseMultTransBAdd(grad, weightOffsets[0], dZ, sizes[1], x, rows, start, count);
            addRowSums(grad, biasOffsets[0], dZ, sizes[1], count);
        }
        return loss;
    }

    @Override
    public double evaluate(double[] out, A params, SparseRows x, float[] y, float[] weights, int firstRow, int rowCount, Workspace ws) {
        String routine = "evaluate";
        checkParams(routine, params);
        checkWorkspace(routine, ws);
        int blockRows = checkSparseBlock(routine, x, y, false);
        checkEvaluateRows(routine, out, y, weights, firstRow, rowCount, blockRows);
        int outputs = topology.outputs();
        boolean weighted = y != null && weights != null;
        int[] rowIds = ws.rowIds;
        A targets = targets(ws);
        A output = output(ws);
        A rowWeights = rowWeights(ws);
        double loss = 0;
        for (int start = firstRow; start < firstRow + rowCount; start += ws.maxRows()) {
            int count = Math.min(ws.maxRows(), firstRow + rowCount - start);
            for (int c = 0; c < count; c++) {
                rowIds[c] = start + c;
            }
            sparseForwardChunk(params, x, rowIds, 0, count, Dropout.NONE, 0, ws);
            if (y != null) {
                copyFromFloat(targets, y, start * targetWidth, count * targetWidth);
                if (weighted) {
                    copyFromFloat(rowWeights, weights, start, count);
                    loss += weightedOutputLoss(topology.loss(), logits(ws), output, targets, 0, rowWeights, 0, outputs, count);
                } else {
                    loss += outputLoss(topology.loss(), logits(ws), output, targets, 0, outputs, count);
                }
            }
            copyToDouble(out, (start - firstRow) * outputs, output, count * outputs);
        }
        return y == null ? Double.NaN : loss;
    }

    @Override
    public double lossAndGradient(A params, A x, A y, A weights, int n, A grad, Workspace ws) {
        String routine = "lossAndGradient";
        checkParamsAndGradient(routine, params, grad);
        checkWorkspace(routine, ws);
        checkDense(routine, "x", x, sizes[0], n);
        checkDense(routine, "y", y, targetWidth, n);
        if (topology.loss() == Loss.SOFTMAX_CROSS_ENTROPY) {
            for (int r = 0; r < n; r++) {
                checkClassIndex(routine, "y", valueAt(y, r), r);
            }
        }
        if (weights != null) {
            checkDense(routine, "weights", weights, 1, n);
            for (int r = 0; r < n; r++) {
                checkWeight(routine, valueAt(weights, r), r);
            }
        }
        double loss = 0;
        for (int start = 0; start < n; start += ws.maxRows()) {
            int count = Math.min(ws.maxRows(), n - start);
            loss += lossAndGradientChunk(params, x, start * sizes[0], y, start * targetWidth, weights, start, count, null, 0,
                    Dropout.NONE, 0, grad, ws);
        }
        return loss;
    }

    @Override
    public void forward(A params, A x, int n, A out, Workspace ws) {
        String routine = "forward";
        checkParams(routine, params);
        checkWorkspace(routine, ws);
        checkDense(routine, "x", x, sizes[0], n);
        int outputs = topology.outputs();
        checkDense(routine, "out", out, outputs, n);
        for (int start = 0; start < n; start += ws.maxRows()) {
            int count = Math.min(ws.maxRows(), n - start);
            forwardChunk(params, x, start * sizes[0], count, null, 0, Dropout.NONE, 0, ws);
            System.arraycopy(output(ws), 0, out, start * outputs, count * outputs);
        }
    }

    // ---- the passes over one chunk of rows ----

    /**
     * Forward then backward over one chunk whose inputs start at x[xOffset], targets at y[yOffset] and row weights
     * at weights[weightOffset] (weights null: unweighted). A row's weight scales its output delta, so the backward
     * pass adds w_row·∂L_row/∂θ without knowing of weights. Column c is block row rowIds[rowsOffset + c] for the
     * dropout masks (rowIds null without dropout).
     */
    private double lossAndGradientChunk(A params, A x, int xOffset, A y, int yOffset, A weights, int weightOffset, int rows,
                                        int[] rowIds, int rowsOffset, Dropout dropout, long maskSeed, A grad, Workspace ws) {
        forwardChunk(params, x, xOffset, rows, rowIds, rowsOffset, dropout, maskSeed, ws);
        double lossSum = lossAndOutputDelta(y, yOffset, weights, weightOffset, rows, ws);
        backwardToFirstLayer(params, rows, dropout, grad, ws);
        // dW_0 (nOut × nIn) += dZ_0 (nOut × rows) · Xᵀ (rows × nIn); db_0 += Σ_rows dZ_0
        int nIn = sizes[0];
        int nOut = sizes[1];
        A dZ = delta(ws, 0);
        gemm("N", "T", nOut, nIn, rows, dZ, 0, nOut, x, xOffset, nIn, true, grad, weightOffsets[0], nOut);
        addRowSums(grad, biasOffsets[0], dZ, nOut, rows);
        return lossSum;
    }

    /**
     * After a forward pass: returns the chunk's (weighted) loss sum and writes dZ of the output layer, each row's
     * scaled by its weight, into the workspace.
     */
    private double lossAndOutputDelta(A y, int yOffset, A weights, int weightOffset, int rows, Workspace ws) {
        Loss loss = topology.loss();
        int outputs = topology.outputs();
        A output = output(ws);
        double lossSum = weights == null
                ? outputLoss(loss, logits(ws), output, y, yOffset, outputs, rows)
                : weightedOutputLoss(loss, logits(ws), output, y, yOffset, weights, weightOffset, outputs, rows);
        A dLogits = delta(ws, layers - 1);
        outputDelta(loss, output, y, yOffset, outputs, rows, dLogits);
        if (loss == Loss.MSE) {
            activationBackward(activations[layers - 1], output, dLogits, outputs, rows);
        }
        if (weights != null) {
            scaleColumns(dLogits, weights, weightOffset, outputs, rows);
        }
        return lossSum;
    }

    /**
     * Z_l = W_l·X_l + b_l (one gemm per layer), X_{l+1} = f_l(Z_l); X_0 is x (sizes[0] × rows) at xOffset. With
     * dropout, column c is block row rowIds[rowsOffset + c].
     */
    private void forwardChunk(A params, A x, int xOffset, int rows, int[] rowIds, int rowsOffset, Dropout dropout, long maskSeed,
                              Workspace ws) {
        int nIn = sizes[0];
        int nOut = sizes[1];
        A z = preActivation(ws, 0);
        fillBias(z, params, biasOffsets[0], nOut, rows);
        gemm("N", "N", nOut, rows, nIn, params, weightOffsets[0], nOut, x, xOffset, nIn, true, z, 0, nOut);
        forwardFromFirstLayer(params, rows, rowIds, rowsOffset, dropout, maskSeed, ws);
    }

    /** As {@link #forwardChunk} with X_0's column c the block row rows[rowsOffset + c] of x: Z_0 = W_0·X_0 + b_0 sparse. */
    private void sparseForwardChunk(A params, SparseRows x, int[] rows, int rowsOffset, int count, Dropout dropout, long maskSeed,
                                    Workspace ws) {
        int nOut = sizes[1];
        A z = preActivation(ws, 0);
        fillBias(z, params, biasOffsets[0], nOut, count);
        if (ws.firstLayer != null) {
            sparseMultAddFromDouble(z, ws.firstLayer, weightOffsets[0], nOut, x, rows, rowsOffset, count);
        } else {
            sparseMultAdd(z, params, weightOffsets[0], nOut, x, rows, rowsOffset, count);
        }
        forwardFromFirstLayer(params, count, rows, rowsOffset, dropout, maskSeed, ws);
    }

    /**
     * Given Z_0 in the workspace: X_1 = f_0(Z_0), then Z_l = W_l·X̃_l + b_l and X_{l+1} = f_l(Z_l) for the later layers,
     * where X̃_l is X_l, or with dropout on hidden activation l, X_l ⊙ keep_l (keep_l: the mask's factors m/(1 − p) of
     * the block rows rowIds[rowsOffset ..]). X_l itself stays in the workspace for the backward pass's f'.
     */
    private void forwardFromFirstLayer(A params, int rows, int[] rowIds, int rowsOffset, Dropout dropout, long maskSeed, Workspace ws) {
        activate(activations[0], preActivation(ws, 0), activation(ws, 1), sizes[1], rows);
        for (int l = 1; l < layers; l++) {
            int nIn = sizes[l];
            int nOut = sizes[l + 1];
            double rate = dropout.rate(l - 1);
            if (rate > 0) {
                A keep = keep(ws, l);
                fillKeep(keep, nIn, rows, rowIds, rowsOffset, l - 1, rate, maskSeed);
                multiply(dropped(ws, l), activation(ws, l), keep, nIn * rows);
            }
            A z = preActivation(ws, l);
            fillBias(z, params, biasOffsets[l], nOut, rows);
            gemm("N", "N", nOut, rows, nIn, params, weightOffsets[l], nOut, layerInput(ws, l, dropout), 0, nIn, true, z, 0, nOut);
            activate(activations[l], z, activation(ws, l + 1), nOut, rows);
        }
    }

    /** What dense layer l ≥ 1 reads: X_l, or X_l ⊙ keep_l where dropout drops units of hidden activation l. */
    private A layerInput(Workspace ws, int l, Dropout dropout) {
        return dropout.rate(l - 1) > 0 ? dropped(ws, l) : activation(ws, l);
    }

    /**
     * From dZ of the output layer (in the workspace) to the gradients of layers layers−1 .. 1 and dZ_0 of the first
     * layer, which the caller turns into the first layer's gradient (its input dense or sparse).
     */
    private void backwardToFirstLayer(A params, int rows, Dropout dropout, A grad, Workspace ws) {
        for (int l = layers - 1; l >= 1; l--) {
            int nIn = sizes[l];
            int nOut = sizes[l + 1];
            A dZ = delta(ws, l);
            A in = layerInput(ws, l, dropout);
            // dW (nOut × nIn) += dZ (nOut × rows) · X̃ᵀ (rows × nIn)
            gemm("N", "T", nOut, nIn, rows, dZ, 0, nOut, in, 0, nIn, true, grad, weightOffsets[l], nOut);
            addRowSums(grad, biasOffsets[l], dZ, nOut, rows);
            // dX̃ (nIn × rows) = Wᵀ (nIn × nOut) · dZ (nOut × rows); dX = dX̃ ⊙ keep_l with dropout; then through f'
            A dX = delta(ws, l - 1);
            gemm("T", "N", nIn, rows, nOut, params, weightOffsets[l], nOut, dZ, 0, nOut, false, dX, 0, nIn);
            if (dropout.rate(l - 1) > 0) {
                multiply(dX, dX, keep(ws, l), nIn * rows);
            }
            activationBackward(activations[l - 1], activation(ws, l), dX, nIn, rows);
        }
    }

    // ---- workspace views ----

    @SuppressWarnings("unchecked")
    private A activation(Workspace ws, int layer) {
        return (A) ws.activations[layer];
    }

    private A input(Workspace ws) {
        return activation(ws, 0);
    }

    private A output(Workspace ws) {
        return activation(ws, layers);
    }

    @SuppressWarnings("unchecked")
    private A logits(Workspace ws) {
        return (A) ws.logits;
    }

    /** Where dense layer l writes Z_l: the logits for the output layer, else its activations (activated in place). */
    private A preActivation(Workspace ws, int layer) {
        return layer == layers - 1 ? logits(ws) : activation(ws, layer + 1);
    }

    @SuppressWarnings("unchecked")
    private A keep(Workspace ws, int layer) {
        return (A) ws.keep[layer];
    }

    @SuppressWarnings("unchecked")
    private A dropped(Workspace ws, int layer) {
        return (A) ws.dropped[layer];
    }

    @SuppressWarnings("unchecked")
    private A delta(Workspace ws, int layer) {
        return (A) ws.deltas[layer];
    }

    @SuppressWarnings("unchecked")
    private A targets(Workspace ws) {
        return (A) ws.targets;
    }

    @SuppressWarnings("unchecked")
    private A rowWeights(Workspace ws) {
        return (A) ws.rowWeights;
    }

    // ---- argument checks, once per call ----

    private void checkParams(String routine, A params) {
        if (params == null || length(params) != parameterCount) {
            throw new IllegalArgumentException(routine + ": params must hold the " + parameterCount + " parameters of " + topology
                    + ", got " + (params == null ? "null" : length(params)));
        }
    }

    private void checkParamsAndGradient(String routine, A params, A grad) {
        checkParams(routine, params);
        if (grad == null || length(grad) != parameterCount) {
            throw new IllegalArgumentException(routine + ": grad must hold " + parameterCount + " values, got "
                    + (grad == null ? "null" : length(grad)));
        }
        if (grad == params) {
            throw new IllegalArgumentException(routine + ": grad and params are the same array");
        }
    }

    private void checkWorkspace(String routine, Workspace ws) {
        if (ws == null) {
            throw new IllegalArgumentException(routine + ": workspace is null");
        }
        if (ws.precision() != precision || !ws.topology().equals(topology)) {
            throw new IllegalArgumentException(routine + ": the workspace was made for " + ws.topology() + " in " + ws.precision()
                    + ", not for this network " + topology + " in " + precision);
        }
    }

    /** Checks that dropout's rates fit this network's hidden layers, and readies the workspace's buffers for it. */
    private void checkDropout(String routine, Dropout dropout, Workspace ws) {
        if (dropout == null) {
            throw new IllegalArgumentException(routine + ": dropout is null; Dropout.NONE for none");
        }
        if (!dropout.fits(layers - 1)) {
            throw new IllegalArgumentException(routine + ": dropout " + dropout + " needs one rate or one per hidden layer; "
                    + topology + " has " + (layers - 1) + " hidden layers");
        }
        if (!dropout.isNone()) {
            ws.ensureDropoutBuffers();
        }
    }

    private void checkDenseInputWorkspace(String routine, Workspace ws) {
        checkWorkspace(routine, ws);
        if (!ws.holdsDenseInput()) {
            throw new IllegalArgumentException(routine + ": the workspace was made by newSparseWorkspace, without room for dense"
                    + " inputs; this pass on a dense block needs one from newWorkspace");
        }
    }

    /** Checks evaluate's rows [firstRow, firstRow + rowCount), out, and for those rows the class indices in y and the weights. */
    private void checkEvaluateRows(String routine, double[] out, float[] y, float[] weights, int firstRow, int rowCount, int blockRows) {
        if (firstRow < 0 || rowCount < 0 || firstRow > blockRows - rowCount) {
            throw new IllegalArgumentException(routine + ": rows [" + firstRow + ", " + ((long) firstRow + rowCount)
                    + ") are not within the block of " + blockRows + " rows");
        }
        int outputs = topology.outputs();
        if (out == null || out.length < (long) outputs * rowCount) {
            throw new IllegalArgumentException(routine + ": out must hold outputs × rowCount = " + outputs + " × " + rowCount
                    + " values, got " + (out == null ? "null" : out.length));
        }
        if (y != null && topology.loss() == Loss.SOFTMAX_CROSS_ENTROPY) {
            for (int r = firstRow; r < firstRow + rowCount; r++) {
                checkClassIndex(routine, "y", y[r], r);
            }
        }
        if (y != null && weights != null) {
            checkWeightsLength(routine, weights, blockRows);
            for (int r = firstRow; r < firstRow + rowCount; r++) {
                checkWeight(routine, weights[r], r);
            }
        }
    }

    /** Checks the block rows rows[from..to) and, for those rows, the class indices in y and the weights. */
    private void checkRows(String routine, float[] y, float[] weights, int[] rows, int from, int to, int blockRows) {
        if (rows == null) {
            throw new IllegalArgumentException(routine + ": rows is null");
        }
        if (from < 0 || to < from || to > rows.length) {
            throw new IllegalArgumentException(routine + ": rows range [" + from + ", " + to + ") is not within rows[0.." + rows.length + ")");
        }
        for (int i = from; i < to; i++) {
            int row = rows[i];
            if (row < 0 || row >= blockRows) {
                throw new IllegalArgumentException(routine + ": rows[" + i + "] = " + row + " is not a row of the block of " + blockRows + " rows");
            }
            if (topology.loss() == Loss.SOFTMAX_CROSS_ENTROPY) {
                checkClassIndex(routine, "y", y[row], row);
            }
            if (weights != null) {
                checkWeight(routine, weights[row], row);
            }
        }
    }

    /** Checks that x has this network's inputs and y its rows' targets (y may be null unless required); returns x.rows(). */
    private int checkSparseBlock(String routine, SparseRows x, float[] y, boolean targetsRequired) {
        if (x == null) {
            throw new IllegalArgumentException(routine + ": x is null");
        }
        if (x.width() != sizes[0]) {
            throw new IllegalArgumentException(routine + ": x has " + x.width() + " columns, the network " + sizes[0] + " inputs");
        }
        int blockRows = x.rows();
        if ((y == null && targetsRequired) || (y != null && y.length != (long) blockRows * targetWidth)) {
            throw new IllegalArgumentException(routine + ": y must hold targetWidth × rows = " + targetWidth + " × " + blockRows
                    + " values for the " + blockRows + " rows of x, got " + (y == null ? "null" : y.length));
        }
        return blockRows;
    }

    /** Checks x and returns its number of rows. */
    private int checkInputs(String routine, float[] x) {
        if (x == null || x.length % sizes[0] != 0) {
            throw new IllegalArgumentException(routine + ": x must hold inputs × rows = " + sizes[0] + " × rows values, got "
                    + (x == null ? "null" : x.length));
        }
        return x.length / sizes[0];
    }

    /** Checks that x and y hold the same rows and returns their number. */
    private int checkBlock(String routine, float[] x, float[] y) {
        int blockRows = checkInputs(routine, x);
        if (y == null || y.length != (long) blockRows * targetWidth) {
            throw new IllegalArgumentException(routine + ": y must hold targetWidth × rows = " + targetWidth + " × " + blockRows
                    + " values for the " + blockRows + " rows of x, got " + (y == null ? "null" : y.length));
        }
        return blockRows;
    }

    private void checkDense(String routine, String name, A values, int width, int n) {
        if (n < 0) {
            throw new IllegalArgumentException(routine + ": n must be at least 0, got " + n);
        }
        if (values == null || length(values) != (long) width * n) {
            throw new IllegalArgumentException(routine + ": " + name + " must hold " + width + " × n = " + width + " × " + n
                    + " values, got " + (values == null ? "null" : length(values)));
        }
    }

    private static void checkWeightsLength(String routine, float[] weights, int blockRows) {
        if (weights != null && weights.length != blockRows) {
            throw new IllegalArgumentException(routine + ": weights must hold one value per row of the block, " + blockRows
                    + ", got " + weights.length);
        }
    }

    private static void checkWeight(String routine, double weight, int row) {
        if (!(weight >= 0 && weight < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException(routine + ": weight of row " + row + " is " + weight + ", not a finite number ≥ 0");
        }
    }

    private void checkClassIndex(String routine, String name, double value, int row) {
        int classes = topology.outputs();
        if (!(value >= 0 && value < classes) || value != Math.rint(value)) {
            throw new IllegalArgumentException(routine + ": " + name + " of row " + row + " is " + value
                    + ", not a class index in [0, " + classes + ")");
        }
    }
}
