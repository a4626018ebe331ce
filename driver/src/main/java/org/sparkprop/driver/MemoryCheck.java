package org.sparkprop.driver;

import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.BlockManagerId;
import scala.Tuple2;
import scala.collection.Iterator;

/**
 * Memory is checked before it is spent: what the cached blocks and the weights will take is estimated from the
 * data's shape and compared with what Spark can store and the driver can hold, so that a run which cannot fit ends
 * with one sentence naming the estimate and the ways out, never with an OutOfMemoryError after minutes of work.
 */
public final class MemoryCheck {
    /** Bytes an array costs beyond its elements (header and length, rounded up), for estimates. */
    private static final long ARRAY_OVERHEAD = 24;

    private MemoryCheck() {
    }

    /** Bytes of {@code rows} dense rows of {@code numFeatures} float features and {@code targetWidth} float targets. */
    public static long denseBytes(long rows, int numFeatures, int targetWidth) {
        return rows * ((long) numFeatures + targetWidth) * Float.BYTES + 2 * ARRAY_OVERHEAD;
    }

    /**
     * Bytes of {@code rows} sparse rows with {@code nonZeros} non-zeros in all (a float value and an int column each),
     * a row offset per row and one more per partition, and {@code targetWidth} float targets a row.
     */
    public static long sparseBytes(long rows, long nonZeros, int targetWidth, int partitions) {
        return nonZeros * (Float.BYTES + Integer.BYTES) + (rows + partitions) * Integer.BYTES + rows * targetWidth * Float.BYTES
                + 4L * partitions * ARRAY_OVERHEAD;
    }

    /**
     * The storage memory of the block managers that will cache blocks, in bytes: the executors' (Spark's unified
     * memory that storage may use), the driver's only where it is the executor (local mode).
     */
    public static long storageMemory(JavaSparkContext sc) {
        long executors = 0;
        long driver = 0;
        Iterator<Tuple2<BlockManagerId, Tuple2<Object, Object>>> managers = sc.sc().env().blockManager().master().getMemoryStatus().iterator();
        while (managers.hasNext()) {
            Tuple2<BlockManagerId, Tuple2<Object, Object>> m = managers.next();
            long max = (Long) m._2()._1();
            if (m._1().isDriver()) {
                driver += max;
            } else {
                executors += max;
            }
        }
        return sc.sc().isLocal() || executors == 0 ? executors + driver : executors;
    }

    /**
     * Refuses to cache {@code bytes} of {@code what} in {@code partitions} partitions when Spark's storage memory
     * cannot hold them. {@code sparseWayOut} says whether storing the rows sparse is one of the ways out.
     */
    public static void checkCache(JavaSparkContext sc, String what, long bytes, int partitions, boolean sparseWayOut) {
        long storage = storageMemory(sc);
        if (bytes > storage) {
            throw new UserException(String.format(Locale.ROOT, "%s would take about %s cached, but Spark's executors can store %s "
                            + "(%d partitions); %sgive more memory (spark.executor.memory, or the driver's heap in local mode, e.g. "
                            + "SPARKPROP_JAVA_OPTS=-Xmx8g), use more executors, or train on fewer rows",
                    what, size(bytes), size(storage), partitions, sparseWayOut ? "store the rows sparse (--storage sparse), " : ""));
        }
    }

    /**
     * Refuses a network whose parameters the driver cannot hold: the weights, the gradient sum and the optimizer's
     * state in double ({@code arrays} arrays of {@code parameters} values), against the driver's heap.
     */
    public static void checkDriver(long parameters, int arrays, String network) {
        long bytes = parameters * Double.BYTES * arrays;
        long heap = Runtime.getRuntime().maxMemory();
        if (bytes > heap * 3 / 4) {
            throw new UserException(String.format(Locale.ROOT, "the network %s has %d parameters; the driver needs about %s for its "
                            + "weights, gradient and optimizer state, but its heap is %s; use a smaller first layer (--hidden), "
                            + "fewer features, or give the driver more memory (spark.driver.memory, SPARKPROP_JAVA_OPTS=-Xmx...)",
                    network, parameters, size(bytes), size(heap)));
        }
    }

    /** Bytes as people read them: "3.2 GB", "512.0 MB", "795.0 KB", "340 bytes". */
    public static String size(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GB", bytes / (double) (1L << 30));
        }
        if (bytes >= 1L << 20) {
            return String.format(Locale.ROOT, "%.1f MB", bytes / (double) (1L << 20));
        }
        if (bytes >= 1L << 10) {
            return String.format(Locale.ROOT, "%.1f KB", bytes / (double) (1L << 10));
        }
        return bytes + " bytes";
    }
}
