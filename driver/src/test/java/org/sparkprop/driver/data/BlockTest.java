package org.sparkprop.driver.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import org.sparkprop.driver.SparkSetup;
import org.sparkprop.kernels.SparseRows;
import scala.reflect.ClassTag$;

/** The block's own checks, its sums of row weights, and its sparse form. */
class BlockTest {
    private static final float[] FEATURES = {1, 2, 3, 4, 5, 6};
    private static final float[] TARGETS = {0, 1, 0};

    @Test
    void withoutWeightsEveryRowCountsOnce() {
        Block block = new Block(3, 2, 1, FEATURES, TARGETS);
        assertNull(block.weights);
        assertEquals(2.0, block.weightSum(new int[] {2, 0, 1}, 1, 3));
        assertEquals(3.0, block.weightSum(0, 3));
        assertNull(Block.empty(2, 1).weights);
    }

    @Test
    void weightsAreSummedInTheOrderGiven() {
        Block block = new Block(3, 2, 1, FEATURES, TARGETS, new float[] {0.5f, 0f, 2f});
        assertEquals(2.5, block.weightSum(new int[] {2, 0, 1}, 0, 2));
        assertEquals(2.0, block.weightSum(1, 2));
    }

    @Test
    void weightsMustBeOnePerRowFiniteAndNotNegative() {
        IllegalArgumentException length = assertThrows(IllegalArgumentException.class,
                () -> new Block(3, 2, 1, FEATURES, TARGETS, new float[2]));
        assertEquals("block of 3 rows cannot hold 2 weights", length.getMessage());
        for (float bad : new float[] {-0.5f, Float.NaN, Float.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new Block(3, 2, 1, FEATURES, TARGETS, new float[] {1f, bad, 1f}));
            assertTrue(e.getMessage().startsWith("weight of row 1 of the block is " + bad), e.getMessage());
        }
    }

    /** Rows {1, 2, 3, 4, 5, 6} with two zeros put in: 2 inputs × 3 rows, 4 non-zeros. */
    private static final float[] WITH_ZEROS = {1, 0, 0, 4, 5, 6};

    @Test
    void theSparseFormHoldsTheSameRowsAsTheDenseForm() {
        Block dense = new Block(3, 2, 1, WITH_ZEROS, TARGETS, new float[] {1f, 2f, 0f});
        Block sparse = dense.sparsified();
        assertTrue(sparse.isSparse());
        assertEquals(0, sparse.features.length);
        assertEquals(3, sparse.rows);
        assertEquals(2, sparse.inputs);
        assertEquals(4, sparse.nonZeros());
        assertEquals(4, dense.nonZeros());
        assertArrayEquals(WITH_ZEROS, sparse.densified().features);
        assertArrayEquals(TARGETS, sparse.targets);
        assertEquals(3.0, sparse.weightSum(0, 3));
        assertSame(sparse, sparse.sparsified());
        assertSame(dense, dense.densified());
        assertNull(dense.sparse);
    }

    @Test
    void sparseTargetsAndWeightsAreChecked() {
        SparseRows rows = SparseRows.ofDense(2, WITH_ZEROS);
        IllegalArgumentException targets = assertThrows(IllegalArgumentException.class, () -> new Block(rows, 1, new float[2], null));
        assertEquals("block of 3 rows × 1 targets cannot hold 2 targets", targets.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Block(rows, 1, TARGETS, new float[] {1f, -1f, 1f}));
    }

    @Test
    void sparseBlocksSurviveKryoAndJavaSerialization() throws Exception {
        Block block = new Block(3, 2, 1, WITH_ZEROS, TARGETS, new float[] {1f, 2f, 0f}).sparsified();
        SerializerInstance kryo = new KryoSerializer(SparkSetup.configure(new SparkConf())).newInstance();
        ByteBuffer bytes = kryo.serialize(block, ClassTag$.MODULE$.apply(Block.class));
        assertSameRows(block, kryo.deserialize(bytes, ClassTag$.MODULE$.apply(Block.class)));

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ObjectOutputStream o = new ObjectOutputStream(out)) {
            o.writeObject(block);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(out.toByteArray()))) {
            assertSameRows(block, (Block) in.readObject());
        }
    }

    private static void assertSameRows(Block expected, Block actual) {
        assertEquals(expected.sparse, actual.sparse);
        assertEquals(expected.rows, actual.rows);
        assertEquals(expected.inputs, actual.inputs);
        assertArrayEquals(expected.targets, actual.targets);
        assertArrayEquals(expected.weights, actual.weights);
        assertEquals(0, actual.features.length);
    }
}
