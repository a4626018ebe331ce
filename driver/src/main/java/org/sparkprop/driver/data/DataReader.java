package org.sparkprop.driver.data;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.SerializableConfiguration;
import org.sparkprop.driver.MemoryCheck;
import org.sparkprop.driver.SparkJobs;
import org.sparkprop.driver.UserException;
import org.sparkprop.driver.Wire;
import org.sparkprop.kernels.SparseRows;
import scala.Tuple2;

/**
 * Reads rows from files (see {@link InputSpec}) or built-in data sets into cached {@link Block}s.
 *
 * <p>Files are listed on the driver and sorted by path; each is read once, by its own task, which validates
 * every line (errors name the file and the 1-based line) and packs the file's rows with a small summary (rows,
 * largest LibSVM index, distinct labels, bad rows skipped). The driver checks the bad rows against the input's
 * {@link BadRowPolicy} and merges the summaries into the {@link Schema}. For training,
 * one shuffle then deals row r of file f to partition (f + r) mod P, in chunks of consecutive rows, remapping
 * class labels to the schema's indices and padding LibSVM rows to the feature count; each partition sorts its
 * chunks back into (file, line) order and packs one block, so the result does not depend on the shuffle.
 *
 * <p>A file whose content is refused (a bad row the policy does not skip, a bad header, data that do not match
 * its compression) comes back as its task's result, not as a failed task that Spark would retry to the same end;
 * the driver then reports the first such file in input order. Errors raised in tasks (a file that cannot be read)
 * reach the caller as the {@link UserException} itself, not Spark's wrapper.
 */
public final class DataReader {
    /** Most floats in one shuffled chunk (4 MiB), well under Kryo's default 64 MiB buffer. */
    static final int CHUNK_FLOATS = 1 << 20;

    private DataReader() {
    }

    /**
     * The classes of this package that Spark serializes (shuffled chunks, task results, blocks), for
     * {@code SparkConf.registerKryoClasses} when Kryo registration is required.
     */
    public static List<Class<?>> kryoClasses() {
        return List.of(Block.class, Chunk.class, FileSummary.class);
    }

    /**
     * Training data: reads and validates {@code in}, infers the schema for {@code kind} (or, when {@code known} is
     * not null, checks the rows against it: validation data must match the training schema), and returns
     * {@code partitions} partitions each holding exactly one block (possibly of 0 rows), cached MEMORY_ONLY.
     */
    public static Dataset readForTraining(JavaSparkContext sc, InputSpec in, LabelKind kind, Schema known, int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
        }
        if (known != null && known.labelKind() != kind) {
            throw new IllegalArgumentException("label kind " + kind + " differs from the known schema's " + known.labelKind());
        }
        if (BuiltinData.isBuiltin(in.path())) {
            return BuiltinData.readForTraining(sc, in, kind, known, partitions);
        }
        ParseSettings settings = ParseSettings.of(in, kind, known, true);
        JavaRDD<ParsedFile> parsed = parse(sc, in, settings).persist(StorageLevel.MEMORY_ONLY());
        try {
            List<FileSummary> summaries = summaries(sc, in, parsed);
            BadRows badRows = BadRows.check(in.path(), settings.badRows, summaries);
            Schema schema = SchemaInference.infer(in.path(), settings, summaries);
            long rows = summaries.stream().mapToLong(f -> f.rows).sum();
            boolean sparse = sparse(in.storage(), rows, schema.numFeatures(), summaries);
            checkMemory(sc, in.path(), rows, nonZeros(summaries), schema, schema.targetWidth(), partitions, sparse);
            JavaRDD<Block> blocks = redistribute(parsed, schema, partitions, sparse);
            Cached cached = cacheAndCount(sc, blocks, "pack " + in.path() + " into " + partitions + " partitions");
            cached.check(rows);
            return new Dataset(schema, blocks, rows, badRows.count(), sparse, cached.bytes(), cached.partitions());
        } finally {
            parsed.unpersist(false);
        }
    }

    /**
     * Evaluation data: the rows of {@code in} in input order (files sorted by path, rows in line order), one block
     * per file, validated against the training schema {@code known} as in {@link #readForTraining}.
     */
    public static Dataset readOrdered(JavaSparkContext sc, InputSpec in, Schema known) {
        return ordered(sc, in, known, true);
    }

    /**
     * Data to predict on: as {@link #readOrdered} but labels are not read (blocks have no targets). A CSV file
     * may lack the label columns; a LibSVM line may start with its label, which is skipped, or with a feature.
     */
    public static Dataset readForPrediction(JavaSparkContext sc, InputSpec in, Schema known) {
        return ordered(sc, in, known, false);
    }

    private static Dataset ordered(JavaSparkContext sc, InputSpec in, Schema known, boolean labels) {
        Objects.requireNonNull(known, "known");
        if (BuiltinData.isBuiltin(in.path())) {
            return BuiltinData.readOrdered(sc, in, known, labels);
        }
        ParseSettings settings = ParseSettings.of(in, known.labelKind(), known, labels);
        int numFeatures = known.numFeatures();
        int targetWidth = labels ? known.targetWidth() : 0;
        List<String> classes = known.classes();
        JavaRDD<ParsedFile> parsed = parse(sc, in, settings).persist(StorageLevel.MEMORY_ONLY());
        try {
            List<FileSummary> summaries = summaries(sc, in, parsed);
            BadRows badRows = BadRows.check(in.path(), settings.badRows, summaries);
            long rows = summaries.stream().mapToLong(f -> f.rows).sum();
            if (rows == 0) {
                throw SchemaInference.noRows(in.path(), summaries);
            }
            boolean sparse = sparse(in.storage(), rows, numFeatures, summaries);
            checkMemory(sc, in.path(), rows, nonZeros(summaries), known, targetWidth, summaries.size(), sparse);
            JavaRDD<Block> blocks = parsed.map(file -> inOrder(file, numFeatures, targetWidth, classes, sparse));
            Cached cached = cacheAndCount(sc, blocks, "pack " + in.path());
            cached.check(rows);
            return new Dataset(known, blocks, rows, badRows.count(), sparse, cached.bytes(), cached.partitions());
        } finally {
            parsed.unpersist(false);
        }
    }

    /** Whether {@code storage} caches the files' rows sparse (see {@link Storage#sparse}). */
    static boolean sparse(Storage storage, long rows, int numFeatures, List<FileSummary> summaries) {
        boolean readSparse = summaries.stream().anyMatch(f -> f.readSparse && f.rows > 0);
        return storage.sparse(rows, numFeatures, nonZeros(summaries), readSparse);
    }

    static long nonZeros(List<FileSummary> summaries) {
        return summaries.stream().mapToLong(f -> f.nonZeros).sum();
    }

    /**
     * Refuses, before packing, rows whose cached blocks Spark's storage memory cannot hold, dense or sparse as
     * {@code sparse} says; for dense rows that sparse storage would shrink, it names --storage sparse as a way out.
     */
    static void checkMemory(JavaSparkContext sc, String what, long rows, long nonZeros, Schema schema, int targetWidth, int partitions,
                            boolean sparse) {
        long sparseBytes = MemoryCheck.sparseBytes(rows, nonZeros, targetWidth, partitions);
        if (sparse) {
            MemoryCheck.checkCache(sc, what + " (" + rows + " rows of " + schema.numFeatures() + " features, sparse: " + nonZeros
                    + " non-zeros)", sparseBytes, partitions, false);
        } else {
            long denseBytes = MemoryCheck.denseBytes(rows, schema.numFeatures(), targetWidth);
            MemoryCheck.checkCache(sc, what + " (" + rows + " rows of " + schema.numFeatures() + " features, dense)",
                    denseBytes, partitions, sparseBytes < denseBytes);
        }
    }

    /** Every file's summary, in input order. */
    private static List<FileSummary> summaries(JavaSparkContext sc, InputSpec in, JavaRDD<ParsedFile> parsed) {
        if (Wire.bytesNeeded(sc.sc().conf())) {
            List<byte[]> encoded = run(sc, "read " + in.path(), () -> parsed.map(file -> Wire.encode(file.summary)).collect());
            return encoded.stream().map(b -> Wire.<FileSummary>decode(b)).toList();
        }
        return run(sc, "read " + in.path(), () -> parsed.map(ParsedFile::summary).collect());
    }

    /**
     * One file's rows as one block in line order, features padded to {@code numFeatures} (or, with {@code sparse},
     * as sparse rows of that width), classes remapped to {@code classes}.
     */
    static Block inOrder(ParsedFile file, int numFeatures, int targetWidth, List<String> classes, boolean sparse) {
        int[] remap = file.classRemap(classes);
        int rows = file.rows();
        float[] targets = new float[rows * targetWidth];
        if (sparse) {
            int[] rowStart = new int[rows + 1];
            int[] index = new int[entryCount(file.features.nonZeros(), file.summary.path)];
            float[] values = new float[index.length];
            for (int r = 0; r < rows; r++) {
                rowStart[r + 1] = file.features.copyEntries(r, index, values, rowStart[r]);
                file.copyTargets(r, remap, targets, r * targetWidth);
            }
            return new Block(new SparseRows(numFeatures, rowStart, index, values), targetWidth, targets, file.weights);
        }
        float[] features = new float[blockLength(rows, numFeatures, file.summary.path)];
        for (int r = 0; r < rows; r++) {
            file.copyRow(r, remap, features, r * numFeatures, targets, r * targetWidth);
        }
        return new Block(rows, numFeatures, targetWidth, features, targets, file.weights);
    }

    /** One task per file, in path order, each parsing its file into one {@link ParsedFile}. */
    private static JavaRDD<ParsedFile> parse(JavaSparkContext sc, InputSpec in, ParseSettings settings) {
        List<String> files = InputFiles.list(sc.hadoopConfiguration(), in.path());
        SerializableConfiguration conf = new SerializableConfiguration(sc.hadoopConfiguration());
        return sc.parallelize(files, files.size()).mapPartitionsWithIndex((index, paths) -> {
            List<ParsedFile> parsed = new ArrayList<>(1);
            while (paths.hasNext()) {
                parsed.add(FileParser.parse(conf.value(), settings, index, paths.next()));
            }
            return parsed.iterator();
        }, true);
    }

    /**
     * The training blocks: row r of file f to partition (f + r) mod P, in (file, line) order within a partition;
     * sparse blocks with {@code sparse}.
     */
    static JavaRDD<Block> redistribute(JavaRDD<ParsedFile> parsed, Schema schema, int partitions, boolean sparse) {
        int numFeatures = schema.numFeatures();
        int targetWidth = schema.targetWidth();
        List<String> classes = schema.classes();
        JavaPairRDD<Integer, Chunk> chunks = parsed
                .flatMapToPair(file -> new ChunkIterator(file, file.classRemap(classes), numFeatures, targetWidth, partitions, sparse));
        if (Wire.bytesNeeded(parsed.context().conf())) {
            return chunks.mapValues(Wire::encode)
                    .partitionBy(new HashPartitioner(partitions))
                    .mapPartitions(arriving -> List.of(assemble(new Decoded(arriving), numFeatures, targetWidth, sparse)).iterator(), true);
        }
        return chunks.partitionBy(new HashPartitioner(partitions))
                .mapPartitions(arriving -> List.of(assemble(arriving, numFeatures, targetWidth, sparse)).iterator(), true);
    }

    /** Chunks that crossed the shuffle as {@link Wire} bytes. */
    private record Decoded(Iterator<Tuple2<Integer, byte[]>> arriving) implements Iterator<Tuple2<Integer, Chunk>> {
        @Override
        public boolean hasNext() {
            return arriving.hasNext();
        }

        @Override
        public Tuple2<Integer, Chunk> next() {
            Tuple2<Integer, byte[]> next = arriving.next();
            return new Tuple2<>(next._1(), Wire.decode(next._2()));
        }
    }

    /** Concatenates a partition's chunks in (file, seq) order into its one block. */
    private static Block assemble(Iterator<Tuple2<Integer, Chunk>> arriving, int numFeatures, int targetWidth, boolean sparse) {
        List<Chunk> chunks = new ArrayList<>();
        long rows = 0;
        while (arriving.hasNext()) {
            Chunk chunk = arriving.next()._2();
            chunks.add(chunk);
            rows += chunk.rows;
        }
        chunks.sort(Chunk.INPUT_ORDER);
        if (sparse) {
            return assembleSparse(chunks, (int) rows, numFeatures, targetWidth);
        }
        float[] features = new float[blockLength(rows, numFeatures, "a partition")];
        float[] targets = new float[(int) rows * targetWidth];
        boolean weighted = !chunks.isEmpty() && chunks.get(0).weights != null;
        float[] weights = weighted ? new float[(int) rows] : null;
        int at = 0;
        for (Chunk chunk : chunks) {
            System.arraycopy(chunk.features, 0, features, at * numFeatures, chunk.features.length);
            System.arraycopy(chunk.targets, 0, targets, at * targetWidth, chunk.targets.length);
            if (weighted) {
                System.arraycopy(chunk.weights, 0, weights, at, chunk.rows);
            }
            at += chunk.rows;
        }
        return new Block((int) rows, numFeatures, targetWidth, features, targets, weights);
    }

    /** As {@link #assemble}, for sparse chunks (in input order). */
    private static Block assembleSparse(List<Chunk> chunks, int rows, int numFeatures, int targetWidth) {
        int[] rowStart = new int[rows + 1];
        int[] index = new int[entryCount(chunks.stream().mapToLong(Chunk::entries).sum(), "a partition")];
        float[] values = new float[index.length];
        float[] targets = new float[rows * targetWidth];
        float[] weights = !chunks.isEmpty() && chunks.get(0).weights != null ? new float[rows] : null;
        int at = 0;
        for (Chunk chunk : chunks) {
            int entriesBefore = rowStart[at];
            for (int r = 1; r <= chunk.rows; r++) {
                rowStart[at + r] = entriesBefore + chunk.rowStart[r];
            }
            System.arraycopy(chunk.index, 0, index, entriesBefore, chunk.index.length);
            System.arraycopy(chunk.values, 0, values, entriesBefore, chunk.values.length);
            System.arraycopy(chunk.targets, 0, targets, at * targetWidth, chunk.targets.length);
            if (weights != null) {
                System.arraycopy(chunk.weights, 0, weights, at, chunk.rows);
            }
            at += chunk.rows;
        }
        return new Block(new SparseRows(numFeatures, rowStart, index, values), targetWidth, targets, weights);
    }

    /** The length of a sparse block's arrays; a user error when {@code what} has more non-zeros than an array holds. */
    private static int entryCount(long nonZeros, String what) {
        if (nonZeros > Growth.MAX_LENGTH) {
            throw new UserException(what + " has " + nonZeros + " non-zeros, more than one block holds (" + Growth.MAX_LENGTH
                    + "); use more partitions or split the input into more files");
        }
        return (int) nonZeros;
    }

    /** The length of a block's feature array; a user error when {@code what} has more values than an array holds. */
    private static int blockLength(long rows, int numFeatures, String what) {
        long length = rows * numFeatures;
        if (length > Growth.MAX_LENGTH) {
            throw new UserException(what + " has " + rows + " rows of " + numFeatures + " features, more than one block"
                    + " holds (" + Growth.MAX_LENGTH + " values); use more partitions or split the input into more files");
        }
        return (int) length;
    }

    /**
     * A file's rows as chunks keyed by their partition: for each partition p, rows p − f, p − f + P, ... (mod P) in
     * line order, cut into chunks of at most {@link #CHUNK_FLOATS} floats (sparse: counting two a non-zero and one
     * a row offset; a chunk holds at least one row). Lazy, so a file is never held twice.
     */
    private static final class ChunkIterator implements Iterator<Tuple2<Integer, Chunk>> {
        private final ParsedFile file;
        private final int[] classRemap;
        private final int numFeatures;
        private final int targetWidth;
        private final int partitions;
        private final int rowsPerChunk;
        private final boolean sparse;
        private int partition = -1;
        /** Rows of the current partition already chunked, and how many it has. */
        private int done;
        private int count;
        private int seq;

        ChunkIterator(ParsedFile file, int[] classRemap, int numFeatures, int targetWidth, int partitions, boolean sparse) {
            this.file = file;
            this.sparse = sparse;
            this.classRemap = classRemap;
            this.numFeatures = numFeatures;
            this.targetWidth = targetWidth;
            this.partitions = partitions;
            this.rowsPerChunk = Math.max(1, CHUNK_FLOATS / Math.max(1, (sparse ? 1 : numFeatures) + targetWidth));
            advance();
        }

        /** Moves to the next partition with rows still to chunk, if any. */
        private void advance() {
            while (done == count && partition < partitions) {
                partition++;
                done = 0;
                seq = 0;
                count = partition < partitions ? rowsOf(partition) : 0;
            }
        }

        private int rowsOf(int p) {
            int first = firstRow(p);
            return first < file.rows() ? (file.rows() - 1 - first) / partitions + 1 : 0;
        }

        private int firstRow(int p) {
            return Math.floorMod(p - file.summary.file, partitions);
        }

        @Override
        public boolean hasNext() {
            return partition < partitions;
        }

        @Override
        public Tuple2<Integer, Chunk> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            int first = firstRow(partition);
            if (sparse) {
                return nextSparse(first);
            }
            int n = Math.min(rowsPerChunk, count - done);
            float[] features = new float[n * numFeatures];
            float[] targets = new float[n * targetWidth];
            float[] weights = file.weights != null ? new float[n] : null;
            for (int i = 0; i < n; i++) {
                int row = first + (done + i) * partitions;
                file.copyRow(row, classRemap, features, i * numFeatures, targets, i * targetWidth);
                if (weights != null) {
                    weights[i] = file.weights[row];
                }
            }
            Tuple2<Integer, Chunk> chunk = new Tuple2<>(partition, new Chunk(file.summary.file, seq++, n, features, targets, weights));
            done += n;
            advance();
            return chunk;
        }

        private Tuple2<Integer, Chunk> nextSparse(int first) {
            int n = 0;
            long entries = 0;
            while (n < Math.min(rowsPerChunk, count - done)) {
                int e = file.features.entries(first + (done + n) * partitions);
                if (n > 0 && 2 * (entries + e) + (long) (n + 1) * (1 + targetWidth) > CHUNK_FLOATS) {
                    break;
                }
                entries += e;
                n++;
            }
            int[] rowStart = new int[n + 1];
            int[] index = new int[(int) entries];
            float[] values = new float[(int) entries];
            float[] targets = new float[n * targetWidth];
            float[] weights = file.weights != null ? new float[n] : null;
            for (int i = 0; i < n; i++) {
                int row = first + (done + i) * partitions;
                rowStart[i + 1] = file.features.copyEntries(row, index, values, rowStart[i]);
                file.copyTargets(row, classRemap, targets, i * targetWidth);
                if (weights != null) {
                    weights[i] = file.weights[row];
                }
            }
            Tuple2<Integer, Chunk> chunk = new Tuple2<>(partition,
                    new Chunk(file.summary.file, seq++, n, rowStart, index, values, targets, weights));
            done += n;
            advance();
            return chunk;
        }
    }

    /** Rows and bytes of cached blocks (Σ {@link Block#bytes()}), and each partition's {@link PartitionFigures}. */
    record Cached(long rows, long bytes, PartitionFigures[] partitions) {
        void check(long expected) {
            if (rows != expected) {
                throw new IllegalStateException("packed " + rows + " of " + expected + " rows");
            }
        }
    }

    /**
     * Caches {@code blocks} MEMORY_ONLY, computing them now in one job that also returns each partition's
     * {@link PartitionFigures} (a job of named functions: Spark's floor, not the tens of milliseconds of RDD methods
     * over closures), and their total rows and bytes.
     */
    static Cached cacheAndCount(JavaSparkContext sc, JavaRDD<Block> blocks, String description) {
        blocks.persist(StorageLevel.MEMORY_ONLY());
        try {
            PartitionFigures[] partitions = run(sc, description, () -> PartitionFigures.of(sc, blocks, description));
            long rows = 0;
            long bytes = 0;
            for (PartitionFigures figures : partitions) {
                rows += figures.rows();
                bytes += figures.bytes();
            }
            return new Cached(rows, bytes, partitions);
        } catch (RuntimeException e) {
            blocks.unpersist(false);
            throw e;
        }
    }

    /**
     * Runs a Spark job labelled {@code description}; a failure caused by a {@link UserException} in a task is
     * rethrown as that exception.
     */
    static <T> T run(JavaSparkContext sc, String description, Supplier<T> job) {
        try {
            return SparkJobs.described(sc, description, job);
        } catch (Exception e) { // SparkException is checked but undeclared by Spark's Scala methods
            UserException user = UserException.find(e);
            if (user != null) {
                throw user;
            }
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(description + " failed", e);
        }
    }
}
