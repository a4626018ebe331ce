package org.sparkprop.kernels;

import dev.ludovic.netlib.blas.BLAS;

/**
 * Forward and backward passes of a multilayer perceptron described by a {@link Topology}, in one
 * {@link Precision}. {@code A} is the compute type's array: {@code float[]} for {@link Precision#FLOAT},
 * {@code double[]} for {@link Precision#DOUBLE}. A network holds only its topology: it is immutable and may be
 * shared by threads; the buffers a pass needs live in a {@link Workspace}, one per thread.
 *
 * <p>Parameters and gradients are flat arrays laid out as {@link Topology} says. Dense layer l computes
 * Z_l = W_l·X_l + b_l over a chunk of rows (one gemm), then X_{l+1} = f_l(Z_l). The backward pass applies the
 * chain rule from the output to the input: dZ at the output from the loss, then per layer
 * dW_l += dZ_l·X_lᵀ, db_l += Σ_rows dZ_l, dX_l = W_lᵀ·dZ_l and dZ_{l−1} = dX_l ⊙ f'_{l−1}(X_l).
 * Gradients are sums over rows of the per-row loss's gradient (not means), weighted by the rows' weights where
 * the caller gives them, and are added to the caller's array, so zeroing is a separate call ({@link #zero}).
 *
 * <p>Data blocks are column-major float with one column per row: row r's inputs at {@code x[r·inputs ..]} and
 * its targets at {@code y[r·targetWidth ..]} (a class index stored as a float for softmax cross-entropy).
 *
 * <p>Sparse input: the overloads that take {@link SparseRows} compute the first layer as a sparse × dense product,
 * Z_0[:, r] = b_0 + Σ_k v_k·W_0[:, i_k] over row r's non-zeros (i_k, v_k), and its weight gradient as
 * dW_0[:, i_k] += v_k·dZ_0[:, r], so only the columns of W_0 that the rows' non-zeros name are read and changed
 * ({@link ColumnSet} lists them); the other layers are as for dense input. They return what the dense passes return
 * on {@link SparseRows#toDense()} up to the order of the sums. Their arguments come outputs first.
 */
public interface Network<A> {

    /** A network on the BLAS that {@link Blas} chose for this JVM. */
    static Network<?> create(Topology topology, Precision precision) {
        return create(topology, precision, Blas.instance());
    }

    /** A network whose gemm calls go to {@code blas} (to compare implementations; otherwise use the one above). */
    static Network<?> create(Topology topology, Precision precision, BLAS blas) {
        return switch (precision) {
            case FLOAT -> new FloatNetwork(topology, blas);
            case DOUBLE -> new DoubleNetwork(topology, blas);
        };
    }

    static Network<float[]> ofFloat(Topology topology) {
        return new FloatNetwork(topology, Blas.instance());
    }

    static Network<double[]> ofDouble(Topology topology) {
        return new DoubleNetwork(topology, Blas.instance());
    }

    Topology topology();

    Precision precision();

    /** A zeroed array of the compute type. */
    A newArray(int length);

    /** A new array holding {@code values} cast to the compute type. Not modified: values. */
    default A toCompute(double[] values) {
        A result = newArray(values.length);
        castInto(values, result);
        return result;
    }

    /** target[i] = values[i] cast to the compute type, for every i. Modified: target. Not modified: values. */
    void castInto(double[] values, A target);

    /** As {@link #castInto(double[], Object)} for i in [from, to) only (to split the work between threads). */
    void castInto(double[] values, A target, int from, int to);

    /** target[i] += values[i] for every i. Modified: target. Not modified: values. */
    void addTo(A values, double[] target);

    /** As {@link #addTo(Object, double[])} for i in [from, to) only (to split the work between threads). */
    void addTo(A values, double[] target, int from, int to);

    /** Sets every element to 0. Modified: values. */
    void zero(A values);

    /** Buffers for passes over chunks of at most {@code maxRows} rows, for one thread. */
    Workspace newWorkspace(int maxRows);

    /**
     * Buffers for the sparse passes over chunks of at most {@code maxRows} rows, for one thread: as
     * {@link #newWorkspace(int)} without the gathered dense inputs (inputs × maxRows), so its size does not grow with
     * the number of inputs. It also serves {@link #forward} and {@link #lossAndGradient}, not the dense
     * {@code accumulateGradient} and {@code evaluate}.
     */
    Workspace newSparseWorkspace(int maxRows);

    /**
     * Gathers the block rows {@code rows[from..to)} of x (inputs × blockRows) and y (targetWidth × blockRows),
     * runs the forward and backward passes in chunks of at most {@link Workspace#maxRows()} rows, adds
     * Σ_rows ∂L_row/∂θ into grad and returns Σ_rows L_row. The same as the weighted form below with weights null.
     *
     * @param params parameters θ, {@link Topology#parameterCount()} long. Not modified.
     * @param x      the block's inputs. Not modified.
     * @param y      the block's targets. Not modified.
     * @param rows   block row indices; the entries in [from, to) are used. Not modified.
     * @param grad   gradient sums, as long as params. Modified (added to).
     * @param ws     this network's workspace. Modified.
     */
    default double accumulateGradient(A params, float[] x, float[] y, int[] rows, int from, int to, A grad, Workspace ws) {
        return accumulateGradient(params, x, y, null, rows, from, to, grad, ws);
    }

    /**
     * As above with a weight per row: adds Σ_rows w_row·∂L_row/∂θ into grad and returns Σ_rows w_row·L_row (row r's
     * output delta is scaled by w_r before the backward pass). With weights null every row counts once and the
     * computation is the unweighted one, to the bit; a weight of exactly 1 on every row gives the same bits too.
     *
     * @param weights the block's row weights, one per block row (blockRows long), each finite and ≥ 0; or null.
     *                Not modified.
     */
    default double accumulateGradient(A params, float[] x, float[] y, float[] weights, int[] rows, int from, int to, A grad,
                                      Workspace ws) {
        return accumulateGradient(params, x, y, weights, rows, from, to, Dropout.NONE, 0, grad, ws);
    }

    /**
     * As above with inverted dropout on the hidden layers' activations (training only): hidden activation a of block
     * row r becomes a·m/(1 − p) with m = {@link Dropout#keeps}(maskSeed, r, layer, unit, p), and the backward pass
     * multiplies by the same factor. So the masks depend on (maskSeed, block row) only, not on the chunking or on
     * the order of {@code rows}. With {@link Dropout#NONE} the masks are skipped and the computation is the one
     * without dropout, to the bit.
     *
     * @param dropout  the rates: one, or one per hidden layer. Not modified.
     * @param maskSeed seeds the masks of this call's rows (the driver: from the run's seed, the epoch and the partition)
     */
    double accumulateGradient(A params, float[] x, float[] y, float[] weights, int[] rows, int from, int to, Dropout dropout,
                              long maskSeed, A grad, Workspace ws);

    /**
     * Forward pass over the block rows [firstRow, firstRow + rowCount): writes the outputs (outputs × rowCount,
     * row r's at {@code out[r·outputs ..]}; probabilities for softmax and sigmoid outputs) into out.
     *
     * @param y   the block's targets, or null when there are none. Not modified.
     * @param out at least outputs × rowCount long. Modified.
     * @return Σ_rows L_row when y is given, else NaN
     */
    default double evaluate(A params, float[] x, float[] y, int firstRow, int rowCount, double[] out, Workspace ws) {
        return evaluate(params, x, y, null, firstRow, rowCount, out, ws);
    }

    /**
     * As above with a weight per row: returns Σ_rows w_row·L_row when y is given (else NaN); the outputs do not
     * depend on the weights. With weights null, the unweighted sum.
     *
     * @param weights the block's row weights, one per block row, each finite and ≥ 0; or null. Not modified.
     */
    double evaluate(A params, float[] x, float[] y, float[] weights, int firstRow, int rowCount, double[] out, Workspace ws);

    /**
     * The sparse form of {@link #accumulateGradient(Object, float[], float[], float[], int[], int, int, Object, Workspace)}
     * with weights null: adds Σ_rows ∂L_row/∂θ over the block rows {@code rows[from..to)} of x into grad and returns
     * Σ_rows L_row.
     */
    default double accumulateGradient(A grad, A params, SparseRows x, float[] y, int[] rows, int from, int to, Workspace ws) {
        return accumulateGradient(grad, params, x, y, null, rows, from, to, ws);
    }

    /**
     * The sparse form of {@link #accumulateGradient(Object, float[], float[], float[], int[], int, int, Object, Workspace)}:
     * gathers the block rows {@code rows[from..to)} of x and y, runs the forward and backward passes in chunks of at
     * most {@link Workspace#maxRows()} rows, adds Σ_rows w_row·∂L_row/∂θ into grad and returns Σ_rows w_row·L_row.
     * Of the first layer's weights, only the columns that the rows' non-zeros name receive gradient (see
     * {@link ColumnSet#addColumnsOf(SparseRows, int[], int, int)}); its biases and the other layers receive it as in
     * the dense pass.
     *
     * @param grad    gradient sums, {@link Topology#parameterCount()} long. Modified (added to).
     * @param params  parameters θ, as long as grad. Not modified.
     * @param x       the block's inputs, x.width() = inputs. Not modified.
     * @param y       the block's targets, targetWidth × x.rows(). Not modified.
     * @param weights the block's row weights, one per block row (x.rows() long), each finite and ≥ 0; or null
     *                for none (every row counts once, the unweighted computation to the bit). Not modified.
     * @param rows    block row indices; the entries in [from, to) are used, in that order. Not modified.
     * @param ws      this network's workspace, from {@link #newSparseWorkspace(int)} or {@link #newWorkspace(int)}. Modified.
     */
    default double accumulateGradient(A grad, A params, SparseRows x, float[] y, float[] weights, int[] rows, int from, int to,
                                      Workspace ws) {
        return accumulateGradient(grad, params, x, y, weights, rows, from, to, Dropout.NONE, 0, ws);
    }

    /**
     * The sparse form with dropout, as
     * {@link #accumulateGradient(Object, float[], float[], float[], int[], int, int, Dropout, long, Object, Workspace)}
     * does it: the masks are a function of (maskSeed, block row) only; {@link Dropout#NONE} skips them.
     */
    double accumulateGradient(A grad, A params, SparseRows x, float[] y, float[] weights, int[] rows, int from, int to,
                              Dropout dropout, long maskSeed, Workspace ws);

    /** The sparse form of {@link #evaluate(Object, float[], float[], int, int, double[], Workspace)}: weights null. */
    default double evaluate(double[] out, A params, SparseRows x, float[] y, int firstRow, int rowCount, Workspace ws) {
        return evaluate(out, params, x, y, null, firstRow, rowCount, ws);
    }

    /**
     * The sparse form of {@link #evaluate(Object, float[], float[], float[], int, int, double[], Workspace)}: the
     * forward pass over the block rows [firstRow, firstRow + rowCount) of x.
     *
     * @param out     outputs × rowCount at least, row r's outputs at {@code out[r·outputs ..]} (probabilities for
     *                softmax and sigmoid outputs). Modified (its first outputs × rowCount values).
     * @param params  parameters θ. Not modified.
     * @param x       the block's inputs, x.width() = inputs. Not modified.
     * @param y       the block's targets, targetWidth × x.rows(); or null when there are none. Not modified.
     * @param weights the block's row weights, one per block row, each finite and ≥ 0; or null. Used only with y.
     *                Not modified.
     * @param ws      this network's workspace, from {@link #newSparseWorkspace(int)} or {@link #newWorkspace(int)}. Modified.
     * @return Σ_rows w_row·L_row (w_row = 1 with weights null) when y is given, else NaN
     */
    double evaluate(double[] out, A params, SparseRows x, float[] y, float[] weights, int firstRow, int rowCount, Workspace ws);

    /**
     * Dense variant of {@link #accumulateGradient} without gathering, in the compute type: x is inputs × n and
     * y targetWidth × n. Adds Σ_rows ∂L_row/∂θ into grad (Modified) and returns Σ_rows L_row.
     */
    default double lossAndGradient(A params, A x, A y, int n, A grad, Workspace ws) {
        return lossAndGradient(params, x, y, null, n, grad, ws);
    }

    /**
     * As above with a weight per row: adds Σ_rows w_row·∂L_row/∂θ into grad (Modified) and returns Σ_rows w_row·L_row.
     *
     * @param weights n row weights in the compute type, each finite and ≥ 0; or null for the unweighted sums.
     *                Not modified.
     */
    double lossAndGradient(A params, A x, A y, A weights, int n, A grad, Workspace ws);

    /** Forward pass over x (inputs × n), writing the outputs into out (outputs × n; Modified). */
    void forward(A params, A x, int n, A out, Workspace ws);
}
