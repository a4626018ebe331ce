package org.sparkprop.driver.data;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkprop.driver.UserException;
import org.sparkprop.kernels.SparseRows;

/**
 * Data sets generated in the tasks that use them, named {@code builtin:NAME} (the train split) and
 * {@code builtin:NAME:test}: {@code digits} (28×28 digit-like images, 10 classes), {@code friedman1} (regression),
 * {@code text} (hashed short texts, 2^18 features, 20 topics, generated and cached sparse),
 * {@code iris} (Fisher's Iris) and {@code xor} (2 noisy classes). Row r of a split depends only on the data set,
 * the split and r (a fixed seed), never on the partitioning; no array of the whole set is built on the driver.
 * They read into the same {@link Dataset} shapes as files: row r of the train split goes to partition r mod P.
 */
public final class BuiltinData {
    public static final String PREFIX = "builtin:";
    private static final String TEST_SUFFIX = ":test";
    /** Rows per block when a built-in split is read in order. */
    private static final int ORDERED_BLOCK_ROWS = 1000;

    private BuiltinData() {
    }

    /** The names of the built-in data sets, for {@code builtin:NAME}. */
    public static List<String> names() {
        return Arrays.stream(Builtin.values()).map(b -> b.id).toList();
    }

    /** One line describing the built-in data set {@code name}, for --help. */
    public static String description(String name) {
        return find(name, PREFIX + name).description;
    }

    /** True when {@code path} names a built-in data set rather than files. */
    public static boolean isBuiltin(String path) {
        return path.startsWith(PREFIX);
    }

    /** True when the built-in data set {@code path} names has real-valued targets (its loss is then mse). */
    public static boolean isRegression(String path) {
        return Split.parse(path).set.kinds.contains(LabelKind.REGRESSION);
    }

    /** The training form of a built-in split: {@code partitions} blocks, row r in block r mod partitions. */
    static Dataset readForTraining(JavaSparkContext sc, InputSpec in, LabelKind kind, Schema known, int partitions) {
        Split split = Split.parse(in.path());
        Schema schema = split.schema(in, kind, known);
        int rows = split.set.rows(split.test);
        boolean sparse = split.sparse(sc, in, schema, partitions);
        JavaRDD<Block> blocks = sc.parallelize(range(partitions), partitions).map(p -> {
            int count = p < rows ? (rows - 1 - p) / partitions + 1 : 0;
            return split.block(p, partitions, count, true, sparse);
        });
        return dataset(sc, in, schema, blocks, sparse);
    }

    /** A built-in split in row order, {@value #ORDERED_BLOCK_ROWS} rows a block; with {@code labels} false, no targets. */
    static Dataset readOrdered(JavaSparkContext sc, InputSpec in, Schema known, boolean labels) {
        Split split = Split.parse(in.path());
        Schema schema = split.schema(in, known.labelKind(), known);
        int rows = split.set.rows(split.test);
        int blockCount = (rows + ORDERED_BLOCK_ROWS - 1) / ORDERED_BLOCK_ROWS;
        boolean sparse = split.sparse(sc, in, schema, blockCount);
        JavaRDD<Block> blocks = sc.parallelize(range(blockCount), blockCount).map(q -> {
            int first = q * ORDERED_BLOCK_ROWS;
            return split.block(first, 1, Math.min(ORDERED_BLOCK_ROWS, rows - first), labels, sparse);
        });
        return dataset(sc, in, schema, blocks, sparse);
    }

    private static Dataset dataset(JavaSparkContext sc, InputSpec in, Schema schema, JavaRDD<Block> blocks, boolean sparse) {
        DataReader.Cached cached = DataReader.cacheAndCount(sc, blocks, "generate " + in.path());
        return new Dataset(schema, blocks, cached.rows(), 0, sparse, cached.bytes(), cached.partitions());
    }

    private static List<Integer> range(int n) {
        return IntStream.range(0, n).boxed().collect(Collectors.toList());
    }

    private static Builtin find(String name, String path) {
        for (Builtin b : Builtin.values()) {
            if (b.id.equals(name)) {
                return b;
            }
        }
        throw new UserException("unknown built-in data set " + Fields.quote(path) + "; built-in: " + String.join(", ", names())
                + " (builtin:NAME for the train split, builtin:NAME:test for the test split)");
    }

    /** One split of one built-in data set, as named by a path; shipped to the tasks that generate it. */
    private record Split(Builtin set, boolean test, String path) implements java.io.Serializable {

        static Split parse(String path) {
            String rest = path.substring(PREFIX.length());
            boolean test = rest.endsWith(TEST_SUFFIX);
            String name = test ? rest.substring(0, rest.length() - TEST_SUFFIX.length()) : rest;
            return new Split(find(name, path), test, path);
        }

        /** The schema for {@code kind}, after checking that {@code in} and the training schema fit this data set. */
        Schema schema(InputSpec in, LabelKind kind, Schema known) {
            if (!set.kinds.contains(kind)) {
                throw new UserException(path + " has " + (set.kinds.contains(LabelKind.REGRESSION)
                        ? "a regression target (--loss mse)" : "class labels (--loss cross_entropy)")
                        + "; it cannot be read as " + kind.name().toLowerCase(Locale.ROOT) + " data");
            }
            Schema schema = set.schema(kind);
            if (in.numFeatures() != null && in.numFeatures() != schema.numFeatures()) {
                throw new UserException("--num-features " + in.numFeatures() + " but " + path + " has "
                        + schema.numFeatures() + " features");
            }
            if (!in.labelColumns().isEmpty() && !in.labelColumns().equals(schema.labelColumns())) {
                throw new UserException("the label columns of " + path + " are fixed"
                        + (schema.labelColumns().isEmpty() ? "" : " (" + Fields.list(schema.labelColumns()) + ")")
                        + "; got " + Fields.list(in.labelColumns()));
            }
            if (known != null && !known.equals(schema)) {
                throw new UserException(path + " does not match the training data: it has " + describe(schema)
                        + "; the training data had " + describe(known));
            }
            return schema;
        }

        /**
         * Whether {@code in}'s storage caches this split sparse (a set generated sparse counts as read sparse), after
         * checking that its blocks fit Spark's storage memory; non-zeros are the set's expected count.
         */
        boolean sparse(JavaSparkContext sc, InputSpec in, Schema schema, int partitions) {
            int rows = set.rows(test);
            long nonZeros = set.expectedNonZeros(rows);
            boolean sparse = in.storage().sparse(rows, set.numFeatures, nonZeros, set.generatedSparse());
            DataReader.checkMemory(sc, path, rows, nonZeros, schema, schema.targetWidth(), partitions, sparse);
            return sparse;
        }

        /** Rows first, first + step, ... ({@code count} of them) packed in one block, sparse with {@code sparse}. */
        Block block(int first, int step, int count, boolean labels, boolean sparse) {
            if (set.generatedSparse()) {
                Block block = sparseBlock(first, step, count, labels);
                return sparse ? block : block.densified();
            }
            Block dense = denseBlock(first, step, count, labels);
            return sparse ? dense.sparsified() : dense;
        }

        private Block sparseBlock(int first, int step, int count, boolean labels) {
            int[] rowStart = new int[count + 1];
            IntList index = new IntList();
            FloatList values = new FloatList();
            float[] targets = new float[labels ? count : 0];
            for (int i = 0; i < count; i++) {
                float target = set.sparseRow(test, first + i * step, index, values);
                rowStart[i + 1] = index.size();
                if (labels) {
                    targets[i] = target;
                }
            }
            return new Block(new SparseRows(set.numFeatures, rowStart, index.toArray(), values.toArray()), labels ? 1 : 0, targets, null);
        }

        private Block denseBlock(int first, int step, int count, boolean labels) {
            int numFeatures = set.numFeatures;
            float[] features = new float[count * numFeatures];
            float[] targets = new float[labels ? count : 0];
            for (int i = 0; i < count; i++) {
                float target = set.row(test, first + i * step, features, i * numFeatures);
                if (labels) {
                    targets[i] = target;
                }
            }
            return new Block(count, numFeatures, labels ? 1 : 0, features, targets);
        }
    }

    private static String describe(Schema schema) {
        return schema.numFeatures() + " features, " + schema.labelKind().name().toLowerCase(Locale.ROOT) + " labels"
                + (schema.classes().isEmpty() ? "" : " " + Fields.list(schema.classes())) + ", " + schema.outputs() + " outputs";
    }
}
