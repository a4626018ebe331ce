package org.sparkprop.driver.eval;

import org.sparkprop.driver.data.Block;
import org.sparkprop.kernels.Network;
import org.sparkprop.kernels.Precision;
import org.sparkprop.kernels.Topology;
import org.sparkprop.kernels.Workspace;

/**
 * Forward passes over blocks of either form, dense or sparse, for one thread: the network and a workspace for each
 * form, made on first use (the dense one holds inputs × rows floats, which sparse blocks of many inputs must not pay for).
 */
public final class BlockForward {
    private final Network<Object> network;
    private final int maxRows;
    private Workspace dense;
    private Workspace sparse;

    /** Passes of at most {@code maxRows} rows. */
    @SuppressWarnings("unchecked")
    public BlockForward(Topology topology, Precision precision, int maxRows) {
        this.network = (Network<Object>) Network.create(topology, precision);
        this.maxRows = maxRows;
    }

    /**
     * Forward pass over the block rows [firstRow, firstRow + rowCount), at most maxRows of them: writes their outputs
     * (outputs × rowCount, row r's at {@code out[r·outputs ..]}) into out (Modified) and, with {@code withTargets},
     * returns Σ w_row·L_row against the block's targets (its weights, where it has them), else NaN.
     */
    public double evaluate(Object params, Block block, boolean withTargets, int firstRow, int rowCount, double[] out) {
        float[] targets = withTargets ? block.targets : null;
        float[] weights = withTargets ? block.weights : null;
        if (block.sparse != null) {
            if (sparse == null) {
                sparse = network.newSparseWorkspace(maxRows);
            }
            return network.evaluate(out, params, block.sparse, targets, weights, firstRow, rowCount, sparse);
        }
        if (dense == null) {
            dense = network.newWorkspace(maxRows);
        }
        return network.evaluate(params, block.features, targets, weights, firstRow, rowCount, out, dense);
    }
}
