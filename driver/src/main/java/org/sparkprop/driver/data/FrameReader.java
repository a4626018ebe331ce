package org.sparkprop.driver.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.sparkprop.driver.UserException;
import org.sparkprop.driver.Wire;

/**
 * Reads the rows of a DataFrame into cached {@link Block}s, the same blocks a file input gives: every partition
 * of the DataFrame plays the part of one input file (partition f's row r goes to training partition (f + r) mod P),
 * so a DataFrame of one partition and a file with the same rows give the same blocks, and the same weights.
 *
 * <p>Each task checks its rows (no nulls, finite numbers, vectors of one size, class indices that are whole
 * numbers ≥ 0, weights ≥ 0); the first bad row found, in row order, is one sentence naming the column and the row's
 * 1-based position in the DataFrame. A task returns its problem rather than failing, so that Spark does not retry
 * what will not change.
 */
public final class FrameReader {
    private FrameReader() {
    }

    /**
     * Training data and the rows held out by the validation indicator column.
     *
     * @param validation the held-out rows in DataFrame order, or null when no row is marked (or no column is given)
     */
    public record TrainingData(Dataset train, Dataset validation) {
    }

    /** What a column must be for its part in {@code columns}. */
    private enum Role {
        FEATURES, LABEL, WEIGHT, INDICATOR
    }

    /**
     * Checks what the schema alone can tell: every column named exists and has a type it can be read as. A user
     * error naming the column otherwise. {@code labels} says whether the label column is read.
     */
    public static void checkSchema(StructType schema, FrameColumns columns, LabelKind kind, boolean labels) {
        if (columns.features() != null) {
            DataType type = field(schema, columns.features(), "features").dataType();
            if (!isVector(type) && !isNumericArray(type)) {
                throw new UserException("column " + Fields.quote(columns.features()) + " is " + type.simpleString()
                        + "; features must be a Vector (as VectorAssembler makes) or an array of numbers");
            }
        }
        for (String c : columns.featureColumns()) {
            requireNumeric(schema, c, "feature");
        }
        if (labels && columns.label() != null) {
            DataType type = field(schema, columns.label(), "label").dataType();
            boolean multi = multiOutput(kind, type);
            if (!(type instanceof NumericType) && !((isVector(type) || isNumericArray(type)) && multi)) {
                throw new UserException("column " + Fields.quote(columns.label()) + " is " + type.simpleString()
                        + "; the label must be " + (kind == LabelKind.CLASSES || kind == LabelKind.BINARY
                        ? "a number (a class index 0..K-1, as StringIndexer makes it)"
                        : "a number, or a Vector or array of numbers for several outputs"));
            }
        }
        if (columns.weight() != null) {
            requireNumeric(schema, columns.weight(), "weight");
        }
        if (columns.validationIndicator() != null) {
            DataType type = field(schema, columns.validationIndicator(), "validation indicator").dataType();
            if (!(type instanceof BooleanType)) {
                throw new UserException("column " + Fields.quote(columns.validationIndicator()) + " is " + type.simpleString()
                        + "; a validation indicator column must be boolean (true marks a validation row)");
            }
        }
    }

    /**
     * Training data from {@code frame}: checked, the schema inferred for {@code kind} (classes: K from the label
     * column's metadata, as StringIndexer writes it, else the largest label + 1), packed into {@code partitions}
     * cached blocks; rows that the validation indicator marks go to the validation set instead, in DataFrame order.
     * Stored as {@link Storage#AUTO} chooses: sparse Vectors of low density stay sparse.
     */
    public static TrainingData readForTraining(JavaSparkContext sc, org.apache.spark.sql.Dataset<Row> frame, FrameColumns columns,
                                               LabelKind kind, int partitions) {
        return readForTraining(sc, frame, columns, kind, partitions, Storage.AUTO);
    }

    /** As above, the blocks (training and validation alike) stored as {@code storage} says. */
    public static TrainingData readForTraining(JavaSparkContext sc, org.apache.spark.sql.Dataset<Row> frame, FrameColumns columns,
                                               LabelKind kind, int partitions, Storage storage) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
        }
        if (columns.label() == null) {
            throw new UserException("training needs a label column");
        }
        checkSchema(frame.schema(), columns, kind, true);
        JavaRDD<FramePart> parts = parse(frame, columns, kind, true).persist(StorageLevel.MEMORY_ONLY());
        try {
            List<FramePart.Outline> outlines = outlines(sc, parts);
            Schema schema = schema(frame.schema(), columns, kind, outlines);
            long trainRows = outlines.stream().mapToLong(o -> o.train.rows).sum();
            if (trainRows == 0) {
                throw new UserException("no training rows in the DataFrame (" + outlines.stream().mapToLong(o -> o.validation.rows).sum()
                        + " rows, all marked for validation by column " + Fields.quote(columns.validationIndicator()) + ")");
            }
            long validationRows = outlines.stream().mapToLong(o -> o.validation.rows).sum();
            long nonZeros = outlines.stream().mapToLong(o -> o.train.nonZeros + o.validation.nonZeros).sum();
            boolean sparse = storage.sparse(trainRows + validationRows, schema.numFeatures(), nonZeros,
                    outlines.stream().anyMatch(o -> o.train.readSparse || o.validation.readSparse));
            DataReader.checkMemory(sc, "the DataFrame", trainRows + validationRows, nonZeros, schema, schema.targetWidth(), partitions, sparse);
            JavaRDD<Block> train = DataReader.redistribute(parts.map(p -> p.train), schema, partitions, sparse);
            DataReader.Cached cached = DataReader.cacheAndCount(sc, train, "pack the DataFrame into " + partitions + " partitions");
            cached.check(trainRows);
            Dataset validation = null;
            if (validationRows > 0) {
                validation = ordered(sc, parts.map(p -> p.validation), schema, true, validationRows, sparse,
                        "pack the DataFrame's validation rows");
            }
            return new TrainingData(new Dataset(schema, train, trainRows, 0, sparse, cached.bytes(), cached.partitions()), validation);
        } finally {
            parts.unpersist(false);
        }
    }

    /**
     * The rows of {@code frame} in DataFrame order, one block per DataFrame partition, checked against the training
     * schema {@code known}; labels are read when {@code labels} is true (evaluation), else not (prediction). Stored
     * as {@link Storage#AUTO} chooses.
     */
    public static Dataset readOrdered(JavaSparkContext sc, org.apache.spark.sql.Dataset<Row> frame, FrameColumns columns,
                                      Schema known, boolean labels) {
        return readOrdered(sc, frame, columns, known, labels, Storage.AUTO);
    }

    /** As above, the blocks stored as {@code storage} says. */
    public static Dataset readOrdered(JavaSparkContext sc, org.apache.spark.sql.Dataset<Row> frame, FrameColumns columns,
                                      Schema known, boolean labels, Storage storage) {
        FrameColumns read = labels ? columns : columns.withLabel(null).withValidationIndicator(null);
        if (labels && read.label() == null) {
            throw new UserException("evaluation needs a label column");
        }
        checkSchema(frame.schema(), read, known.labelKind(), labels);
        JavaRDD<FramePart> parts = parse(frame, read, known.labelKind(), labels).persist(StorageLevel.MEMORY_ONLY());
        try {
            List<FramePart.Outline> outlines = outlines(sc, parts);
            checkWidths(read, outlines, known);
            long rows = outlines.stream().mapToLong(o -> o.train.rows).sum();
            long nonZeros = outlines.stream().mapToLong(o -> o.train.nonZeros).sum();
            boolean sparse = storage.sparse(rows, known.numFeatures(), nonZeros, outlines.stream().anyMatch(o -> o.train.readSparse));
            DataReader.checkMemory(sc, "the DataFrame", rows, nonZeros, known, labels ? known.targetWidth() : 0, outlines.size(), sparse);
            return ordered(sc, parts.map(p -> p.train), known, labels, rows, sparse, "pack the DataFrame");
        } finally {
            parts.unpersist(false);
        }
    }

    private static Dataset ordered(JavaSparkContext sc, JavaRDD<ParsedFile> files, Schema schema, boolean labels, long rows,
                                   boolean sparse, String description) {
        int numFeatures = schema.numFeatures();
        int targetWidth = labels ? schema.targetWidth() : 0;
        List<String> classes = schema.classes();
        JavaRDD<Block> blocks = files.map(file -> DataReader.inOrder(file, numFeatures, targetWidth, classes, sparse));
        DataReader.Cached cached = DataReader.cacheAndCount(sc, blocks, description);
        cached.check(rows);
        return new Dataset(schema, blocks, rows, 0, sparse, cached.bytes(), cached.partitions());
    }

    /** One {@link FramePart} per DataFrame partition, in partition order. */
    private static JavaRDD<FramePart> parse(org.apache.spark.sql.Dataset<Row> frame, FrameColumns columns, LabelKind kind, boolean labels) {
        StructType schema = frame.schema();
        List<Column> selected = new ArrayList<>();
        if (columns.features() != null) {
            selected.add(readable(schema, columns.features()));
        } else {
            columns.featureColumns().forEach(c -> selected.add(functions.col(c).cast("double")));
        }
        boolean multi = false;
        if (labels) {
            DataType type = schema.apply(columns.label()).dataType();
            multi = multiOutput(kind, type);
            selected.add(type instanceof NumericType ? functions.col(columns.label()).cast("double") : readable(schema, columns.label()));
        }
        if (columns.weight() != null) {
            selected.add(functions.col(columns.weight()).cast("double"));
        }
        if (columns.validationIndicator() != null) {
            selected.add(functions.col(columns.validationIndicator()));
        }
        RowLayout layout = new RowLayout(columns, kind, labels, multi);
        return frame.select(selected.toArray(new Column[0])).javaRDD().mapPartitionsWithIndex(new PartParser(layout), true);
    }

    /** The outlines of every part, in partition order; the first part with a bad row, in row order, stops here. */
    private static List<FramePart.Outline> outlines(JavaSparkContext sc, JavaRDD<FramePart> parts) {
        List<byte[]> encoded = DataReader.run(sc, "read the DataFrame", () -> parts.map(p -> Wire.encode(p.outline())).collect());
        List<FramePart.Outline> outlines = encoded.stream().map(b -> Wire.<FramePart.Outline>decode(b)).toList();
        long before = 0;
        for (FramePart.Outline o : outlines) {
            if (o.problem != null) {
                throw new UserException(String.format(Locale.ROOT, "%s of row %d of the DataFrame (row %d of its partition %d) %s",
                        o.problemColumn, before + o.problemRow + 1, o.problemRow + 1, o.partition, o.problem));
            }
            before += o.rowsSeen;
        }
        return outlines;
    }

    /** The schema of the training rows: feature count, outputs, classes. */
    private static Schema schema(StructType frameSchema, FrameColumns columns, LabelKind kind, List<FramePart.Outline> outlines) {
        int numFeatures = checkWidths(columns, outlines, null);
        List<String> featureNames = columns.features() == null ? columns.featureColumns() : List.of();
        StructField labelField = frameSchema.apply(columns.label());
        int maxLabel = outlines.stream().mapToInt(o -> Math.max(o.train.maxLabelIndex, o.validation.maxLabelIndex)).max().orElse(-1);
        List<String> classes = List.of();
        int outputs;
        switch (kind) {
            case CLASSES -> {
                classes = classes(labelField, maxLabel);
                outputs = classes.size();
            }
            case BINARY -> {
                classes = List.of("0", "1");
                outputs = 1;
            }
            default -> outputs = labelField.dataType() instanceof NumericType ? 1 : maxLabel + 1;
        }
        // Several outputs from one Vector column: like LibSVM's multi-label rows, no label column per output.
        List<String> labelColumns = outputs > 1 && (kind == LabelKind.REGRESSION || kind == LabelKind.MULTILABEL) ? List.of() : List.of(columns.label());
        return new Schema(numFeatures, featureNames, labelColumns, kind, classes, outputs, columns.weight());
    }

    /**
     * Class names in index order: the label column's nominal metadata when it has K values (StringIndexer's
     * labels), else "0" to the largest label seen.
     */
    private static List<String> classes(StructField label, int maxLabel) {
        Attribute attribute = Attribute.fromStructField(label);
        if (attribute instanceof NominalAttribute nominal && nominal.getNumValues().isDefined()) {
            int k = (Integer) nominal.getNumValues().get();
            if (maxLabel >= k) {
                throw new UserException("column " + Fields.quote(label.name()) + " holds class index " + maxLabel
                        + ", but its metadata says there are " + k + " classes (0.." + (k - 1) + ")");
            }
            if (k < 2) {
                throw new UserException("column " + Fields.quote(label.name()) + ": classification needs at least 2 classes, its metadata says " + k);
            }
            if (nominal.values().isDefined()) {
                String[] values = nominal.values().get();
                if (values.length == k && java.util.Set.of(values).size() == k) {
                    return List.of(values);
                }
            }
            return IntStream.range(0, k).mapToObj(Integer::toString).toList();
        }
        if (maxLabel < 1) {
            throw new UserException("column " + Fields.quote(label.name()) + ": classification needs at least 2 classes, every label is "
                    + Math.max(maxLabel, 0));
        }
        if (maxLabel >= ClassLabels.MAX_CLASSES) {
            throw new UserException("column " + Fields.quote(label.name()) + " holds class index " + maxLabel + ": " + ClassLabels.tooMany());
        }
        return IntStream.rangeClosed(0, maxLabel).mapToObj(Integer::toString).toList();
    }

    /**
     * The feature count every part agrees on (and {@code known}'s, when given), and for several outputs the same
     * label width; a user error naming the first row that disagrees.
     */
    private static int checkWidths(FrameColumns columns, List<FramePart.Outline> outlines, Schema known) {
        int width = known != null ? known.numFeatures() : -1;
        long before = 0;
        for (FramePart.Outline o : outlines) {
            if (o.width >= 0 && width < 0) {
                width = o.width;
            } else if (o.width >= 0 && o.width != width) {
                throw new UserException(String.format(Locale.ROOT, "%s of row %d of the DataFrame has %d features; %s %d",
                        columns.featuresShown(), before + 1, o.width, known != null ? "the model was trained on" : "earlier rows have", width));
            }
            before += o.rowsSeen;
        }
        if (width < 0) {
            throw new UserException("no rows in the DataFrame");
        }
        return width;
    }

    private static StructField field(StructType schema, String name, String role) {
        if (!List.of(schema.fieldNames()).contains(name)) {
            throw new UserException("the DataFrame has no " + role + " column " + Fields.quote(name) + "; its columns are "
                    + String.join(", ", List.of(schema.fieldNames()).stream().map(Fields::quote).toList()));
        }
        return schema.apply(name);
    }

    private static void requireNumeric(StructType schema, String name, String role) {
        DataType type = field(schema, name, role).dataType();
        if (!(type instanceof NumericType)) {
            throw new UserException("column " + Fields.quote(name) + " is " + type.simpleString() + "; a " + role + " column must be numeric");
        }
    }

    private static boolean isVector(DataType type) {
        return type instanceof VectorUDT;
    }

    private static boolean isNumericArray(DataType type) {
        return type instanceof ArrayType array && array.elementType() instanceof NumericType;
    }

    /** Whether labels of {@code type} give several outputs: a Vector or array label for regression or multi-label. */
    private static boolean multiOutput(LabelKind kind, DataType type) {
        return (kind == LabelKind.REGRESSION || kind == LabelKind.MULTILABEL) && !(type instanceof NumericType);
    }

    /** A Vector column as it is; an array column as an array of doubles. */
    private static Column readable(StructType schema, String name) {
        return isVector(schema.apply(name).dataType()) ? functions.col(name) : functions.col(name).cast("array<double>");
    }

    /** Where each value sits in a selected row, and what the labels mean. */
    private record RowLayout(FrameColumns columns, LabelKind kind, boolean labels, boolean multiOutput) implements Serializable {
        int featureFields() {
            return columns.features() != null ? 1 : columns.featureColumns().size();
        }

        int labelAt() {
            return featureFields();
        }

        int weightAt() {
            return featureFields() + (labels ? 1 : 0);
        }

        int indicatorAt() {
            return weightAt() + (columns.weight() != null ? 1 : 0);
        }
    }

    /** Parses one DataFrame partition (runs on an executor). */
    private static final class PartParser implements Function2<Integer, Iterator<Row>, Iterator<FramePart>> {
        private static final long serialVersionUID = 1L;
        private final RowLayout layout;

        PartParser(RowLayout layout) {
            this.layout = layout;
        }

        @Override
        public Iterator<FramePart> call(Integer partition, Iterator<Row> rows) {
            FramePart.Builder train = new FramePart.Builder(layout);
            FramePart.Builder validation = new FramePart.Builder(layout);
            int r = 0;
            while (rows.hasNext()) {
                Row row = rows.next();
                try {
                    boolean held = false;
                    if (layout.columns().validationIndicator() != null) {
                        int at = layout.indicatorAt();
                        if (row.isNullAt(at)) {
                            throw new BadValue(layout.columns().validationIndicator(), "is null; expected true or false");
                        }
                        held = row.getBoolean(at);
                    }
                    (held ? validation : train).add(row);
                } catch (BadValue bad) {
                    return List.of(FramePart.refused(partition, r, bad.column, bad.getMessage())).iterator();
                }
                r++;
            }
            return List.of(new FramePart(partition, r, train.build(partition), validation.build(partition))).iterator();
        }
    }

    /** A bad value in a row: the column and what is wrong. */
    static final class BadValue extends Exception {
        private static final long serialVersionUID = 1L;
        final String column;

        BadValue(String column, String problem) {
            super(problem, null, false, false);
            this.column = column;
        }
    }

    /** One DataFrame partition read: its training rows and its validation rows as files, or the first problem. */
    static final class FramePart {
        final ParsedFile train;
        final ParsedFile validation;
        final int partition;
        final int rowsSeen;
        final int problemRow;
        final String problemColumn;
        final String problem;

        FramePart(int partition, int rowsSeen, ParsedFile train, ParsedFile validation) {
            this(partition, rowsSeen, train, validation, -1, null, null);
        }

        private FramePart(int partition, int rowsSeen, ParsedFile train, ParsedFile validation, int problemRow, String problemColumn,
                          String problem) {
            this.partition = partition;
            this.rowsSeen = rowsSeen;
            this.train = train;
            this.validation = validation;
            this.problemRow = problemRow;
            this.problemColumn = problemColumn;
            this.problem = problem;
        }

        static FramePart refused(int partition, int row, String column, String problem) {
            return new FramePart(partition, row, null, null, row, "column " + Fields.quote(column), problem);
        }

        Outline outline() {
            if (problem != null) {
                return new Outline(partition, rowsSeen, null, null, -1, problemRow, problemColumn, problem);
            }
            int width = train.rows() > 0 ? train.summary.maxFeatureIndex : validation.rows() > 0 ? validation.summary.maxFeatureIndex : -1;
            return new Outline(partition, rowsSeen, new Counts(train), new Counts(validation), width, -1, null, null);
        }

        /**
         * Rows, the largest label index (class index, or label width − 1), the features' non-zeros, and whether
         * they were read sparse (sparse Vectors), of one file.
         */
        record Counts(int rows, int maxLabelIndex, long nonZeros, boolean readSparse) implements Serializable {
            Counts(ParsedFile file) {
                this(file.rows(), file.summary.maxLabelIndex, file.summary.nonZeros, file.summary.readSparse && file.rows() > 0);
            }
        }

        /** What the driver needs of a part: counts, the feature width (-1 with no rows), or the problem. */
        record Outline(int partition, int rowsSeen, Counts train, Counts validation, int width, int problemRow,
                       String problemColumn, String problem) implements Serializable {
        }

        /** Collects one part's rows (training or validation). */
        static final class Builder {
            private final RowLayout layout;
            private PackedRows.DenseBuilder dense;
            private PackedRows.SparseBuilder sparse;
            private PackedRows.DenseBuilder targets;
            private final FloatList weights = new FloatList();
            private int width = -1;
            private int rows;
            /** The features' non-zeros so far: entries of sparse Vectors, values not 0 of dense ones. */
            private long nonZeros;
            private int maxLabel = -1;

            Builder(RowLayout layout) {
                this.layout = layout;
            }

            void add(Row row) throws BadValue {
                addFeatures(row);
                if (layout.labels()) {
                    addLabel(row);
                }
                if (layout.columns().weight() != null) {
                    String column = layout.columns().weight();
                    int at = layout.weightAt();
                    if (row.isNullAt(at)) {
                        throw new BadValue(column, "is null; expected a weight ≥ 0");
                    }
                    double w = row.getDouble(at);
                    if (!(w >= 0) || Double.isInfinite(w)) {
                        throw new BadValue(column, "is " + w + "; a weight must be a finite number ≥ 0");
                    }
                    weights.add((float) w);
                }
                rows++;
            }

            private void addFeatures(Row row) throws BadValue {
                FrameColumns columns = layout.columns();
                if (columns.features() == null) {
                    List<String> names = columns.featureColumns();
                    startDense(names.size());
                    for (int i = 0; i < names.size(); i++) {
                        if (row.isNullAt(i)) {
                            throw new BadValue(names.get(i), "is null; features must be numbers");
                        }
                        dense.add(finite(names.get(i), row.getDouble(i), "a feature"));
                    }
                    dense.endRow();
                    return;
                }
                String column = columns.features();
                if (row.isNullAt(0)) {
                    throw new BadValue(column, "is null; expected a vector of features");
                }
                Object value = row.get(0);
                if (value instanceof Vector vector) {
                    checkWidth(column, vector.size());
                    if (dense == null && sparse == null) {
                        if (vector instanceof SparseVector) {
                            sparse = new PackedRows.SparseBuilder();
                        } else {
                            dense = new PackedRows.DenseBuilder(width);
                        }
                    } else if (dense != null && vector instanceof SparseVector s
                            && nonZeros + s.indices().length < Storage.AUTO_SPARSE_BELOW * (rows + 1.0) * width) {
                        // The part began with dense Vectors, but its rows so far, this sparse one included, are as sparse as
                        // Storage.AUTO caches sparse: the rest of a mostly sparse column must not be densified.
                        sparse = PackedRows.SparseBuilder.of(dense.build());
                        dense = null;
                    }
                    if (vector instanceof SparseVector s) {
                        int[] index = s.indices();
                        double[] values = s.values();
                        nonZeros += index.length;
                        if (sparse != null) {
                            for (int k = 0; k < index.length; k++) {
                                sparse.add(index[k], finite(column, values[k], "a feature"));
                            }
                        } else {
                            float[] row0 = new float[width];
                            for (int k = 0; k < index.length; k++) {
                                row0[index[k]] = finite(column, values[k], "a feature");
                            }
                            for (float f : row0) {
                                dense.add(f);
                            }
                        }
                    } else {
                        double[] values = ((DenseVector) vector).values();
                        for (int i = 0; i < values.length; i++) {
                            float f = finite(column, values[i], "a feature");
                            if (f != 0) {
                                nonZeros++;
                            }
                            if (sparse != null) {
                                if (f != 0) {
                                    sparse.add(i, f);
                                }
                            } else {
                                dense.add(f);
                            }
                        }
                    }
                } else {
                    List<Object> values = row.getList(0);
                    checkWidth(column, values.size());
                    startDense(width);
                    for (Object v : values) {
                        if (v == null) {
                            throw new BadValue(column, "holds a null; features must be numbers");
                        }
                        dense.add(finite(column, (Double) v, "a feature"));
                    }
                }
                if (sparse != null) {
                    sparse.endRow();
                } else {
                    dense.endRow();
                }
            }

            private void startDense(int n) {
                if (dense == null) {
                    width = n;
                    dense = new PackedRows.DenseBuilder(n);
                }
            }

            private void checkWidth(String column, int size) throws BadValue {
                if (width < 0) {
                    width = size;
                } else if (size != width) {
                    throw new BadValue(column, "has " + size + " features; earlier rows have " + width);
                }
            }

            private void addLabel(Row row) throws BadValue {
                String column = layout.columns().label();
                int at = layout.labelAt();
                if (row.isNullAt(at)) {
                    throw new BadValue(column, "is null; expected a label");
                }
                if (layout.multiOutput()) {
                    Object value = row.get(at);
                    double[] values = value instanceof Vector v ? v.toArray()
                            : ((List<?>) row.getList(at)).stream().mapToDouble(x -> x == null ? Double.NaN : (Double) x).toArray();
                    if (targets == null) {
                        targets = new PackedRows.DenseBuilder(values.length);
                        maxLabel = values.length - 1;
                    } else if (values.length != maxLabel + 1) {
                        throw new BadValue(column, "has " + values.length + " labels; earlier rows have " + (maxLabel + 1));
                    }
                    for (double v : values) {
                        float f = finite(column, v, "a label");
                        if (layout.kind() == LabelKind.MULTILABEL && f != 0 && f != 1) {
                            throw new BadValue(column, "holds " + v + "; multi-label targets are 0 or 1");
                        }
                        targets.add(f);
                    }
                    targets.endRow();
                    return;
                }
                double label = row.getDouble(at);
                float f = finite(column, label, "a label");
                switch (layout.kind()) {
                    case CLASSES -> {
                        if (label < 0 || label != Math.rint(label)) {
                            throw new BadValue(column, "is " + label + "; a class label must be a whole number ≥ 0 (a class index, as StringIndexer makes it)");
                        }
                        if (label >= ClassLabels.MAX_CLASSES) {
                            throw new BadValue(column, "is " + label + ": " + ClassLabels.tooMany());
                        }
                        maxLabel = Math.max(maxLabel, (int) label);
                    }
                    case BINARY -> {
                        if (label != 0 && label != 1) {
                            throw new BadValue(column, "is " + label + "; a binary label is 0 or 1");
                        }
                        maxLabel = Math.max(maxLabel, (int) label);
                    }
                    default -> {
                    }
                }
                if (targets == null) {
                    targets = new PackedRows.DenseBuilder(1);
                }
                targets.add(f);
                targets.endRow();
            }

            private static float finite(String column, double value, String what) throws BadValue {
                float f = (float) value;
                if (!Float.isFinite(f)) {
                    throw new BadValue(column, "holds " + value + "; " + what + " must be a finite number"
                            + (Double.isFinite(value) ? " within float's range" : ""));
                }
                return f;
            }

            ParsedFile build(int partition) {
                PackedRows features = sparse != null ? sparse.build()
                        : dense != null ? dense.build() : new PackedRows.DenseBuilder(0).build();
                FileSummary summary = new FileSummary(partition, "partition " + partition, features, null, 0,
                        Math.max(width, 0), maxLabel, null, new BadRows(BadRowPolicy.STOP_AT_FIRST));
                PackedRows labels = layout.labels() ? (targets != null ? targets.build() : new PackedRows.DenseBuilder(1).build()) : null;
                return new ParsedFile(summary, features, labels, null, layout.columns().weight() != null ? weights.toArray() : null);
            }
        }
    }
}
