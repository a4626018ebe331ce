package org.sparkprop.driver.train;

import org.sparkprop.kernels.ColumnSet;
import org.sparkprop.kernels.Network;
import org.sparkprop.kernels.Precision;
import org.sparkprop.kernels.Topology;
import org.sparkprop.kernels.Workspace;

/**
 * What an executor thread keeps between tasks of one model: the network, its workspaces (for dense blocks and for
 * sparse ones, each made on first use: the dense one holds inputs × rows floats, a GiB for 2^18 inputs and 1,024
 * rows, which sparse blocks must not pay for), the share it sends (dense blocks compute into its gradient) and, for
 * sparse blocks, a gradient buffer of all parameters that the sparse passes add into and the touched columns,
 * sized once per model so that a step allocates nothing on the hot path. One slot per thread; a task for
 * another model (or needing more rows) replaces it.
 */
final class ExecutorKernels {
    /** Buffers for one model on one thread. */
    static final class Slot {
        final Topology topology;
        final Precision precision;
        final int maxRows;
        final Network<Object> network;
        /** The share a task of this thread sends: its buffers are reused from step to step. */
        final StepShare share = new StepShare();
        private Workspace workspace;
        private Workspace sparseWorkspace;
        /** Sparse blocks: all parameters, 0 between shares ({@link StepShare#takeSparse} zeroes what it takes). */
        private Object sparseGradient;
        /** True while a pass may have left values in {@link #sparseGradient} that no share took (a failed task). */
        private boolean sparseGradientDirty;
        private ColumnSet touched;
        private int[] touchedColumns;

        @SuppressWarnings("unchecked")
        private Slot(Topology topology, Precision precision, int maxRows) {
            this.topology = topology;
            this.precision = precision;
            this.maxRows = maxRows;
            this.network = (Network<Object>) Network.create(topology, precision);
        }

        /**
         * The gradient buffer for a sparse pass, all 0 (made on first use); {@link #sparseGradientTaken} says that a
         * share took and zeroed what the pass wrote.
         */
        Object sparseGradient() {
            if (sparseGradient == null) {
                sparseGradient = network.newArray(topology.parameterCount());
            } else if (sparseGradientDirty) {
                network.zero(sparseGradient);
            }
            sparseGradientDirty = true;
            return sparseGradient;
        }

        void sparseGradientTaken() {
            sparseGradientDirty = false;
        }

        /** An empty set of the first layer's input columns (made on first use). */
        ColumnSet touched() {
            if (touched == null) {
                touched = new ColumnSet(topology.inputs());
                touchedColumns = new int[topology.inputs()];
            }
            touched.clear();
            return touched;
        }

        /** Room for {@link #touched}'s columns, listed. */
        int[] touchedColumns() {
            return touchedColumns;
        }

        /** The workspace for dense blocks, made on first use. */
        Workspace workspace() {
            if (workspace == null) {
                workspace = network.newWorkspace(maxRows);
            }
            return workspace;
        }

        /** The workspace for sparse blocks, made on first use. */
        Workspace sparseWorkspace() {
            if (sparseWorkspace == null) {
                sparseWorkspace = network.newSparseWorkspace(maxRows);
            }
            return sparseWorkspace;
        }

        private boolean fits(Topology t, Precision p, int rows) {
            return topology.equals(t) && precision == p && maxRows >= rows;
        }
    }

    private static final ThreadLocal<Slot> SLOT = new ThreadLocal<>();

    private ExecutorKernels() {
    }

    /** This thread's buffers for the model, holding at least {@code maxRows} rows per pass. */
    static Slot get(Topology topology, Precision precision, int maxRows) {
        Slot slot = SLOT.get();
        if (slot == null || !slot.fits(topology, precision, maxRows)) {
            slot = new Slot(topology, precision, maxRows);
            SLOT.set(slot);
        }
        return slot;
    }
}
