package org.sparkprop.jobs;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.Partition;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.FlatMapFunction2;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.PartitionCoalescer;
import org.apache.spark.rdd.PartitionGroup;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.sparkprop.driver.HadoopFiles;
import org.sparkprop.driver.UserException;
import org.sparkprop.driver.data.Dataset;
import org.sparkprop.driver.data.FrameInput;
import org.sparkprop.driver.eval.Predictor;
import org.sparkprop.driver.model.Model;
import org.sparkprop.driver.model.ModelJson;
import org.sparkprop.predictor.ModelSchema;
import org.sparkprop.predictor.PredictionColumns;
import scala.Option;

/**
 * predict's Parquet output: the input columns to keep, then the prediction columns of {@link PredictionColumns#names}
 * with the values of {@link PredictionColumns#values} (the CSV output's, typed), one row per input row in input order,
 * in one Parquet file. The forward passes run on the executors, partition by partition; the rows are then written
 * by one task that takes the partitions in order, into a sibling directory renamed into place at the end,
 * so the output path holds either nothing (or its old content) or every row.
 */
final class PredictionFrame {
    private PredictionFrame() {
    }

    /**
     * Writes the predictions for {@code data} to {@code output} and returns how many rows it wrote.
     *
     * @param keepFrom the input to copy {@code keep} columns from, read again partition for partition as
     *                 {@code data} was; null when no column is kept
     */
    static long write(JavaSparkContext sc, Model model, Dataset data, FrameInput keepFrom, List<String> keep, String output,
                      boolean overwrite) {
        ModelSchema schema = ModelJson.toModelSchema(model.schema());
        List<StructField> fields = new ArrayList<>();
        org.apache.spark.sql.Dataset<Row> kept = null;
        if (keepFrom != null) {
            org.apache.spark.sql.Dataset<Row> frame = keepFrom.load(sc);
            List<String> columns = List.of(frame.schema().fieldNames());
            for (String name : keep) {
                if (!columns.contains(name)) {
                    throw new UserException("--keep-cols: " + keepFrom.path() + " has no column '" + name + "'; its columns are "
                            + String.join(", ", columns));
                }
                fields.add(frame.schema().apply(name));
            }
            kept = frame.select(keep.stream().map(org.apache.spark.sql.functions::col).toArray(org.apache.spark.sql.Column[]::new));
        }
        List<String> predicted = PredictionColumns.names(schema);
        Object[] sample = PredictionColumns.values(schema, new double[schema.outputs()], 0);
        for (int i = 0; i < predicted.size(); i++) {
            if (keep.contains(predicted.get(i))) {
                throw new UserException("--keep-cols: column '" + predicted.get(i) + "' would clash with the prediction column of that name");
            }
            fields.add(DataTypes.createStructField(predicted.get(i), typeOf(sample[i]), false));
        }
        StructType rowType = DataTypes.createStructType(fields);

        Broadcast<Object> weights = Predictor.broadcast(sc, model.topology(), model.precision(), model.weights());
        JavaRDD<double[]> outputs = Predictor.outputs(weights, model.topology(), model.precision(), data.blocks())
                .persist(StorageLevel.MEMORY_ONLY());
        try {
            outputs.count(); // the forward passes, in parallel, before one task writes
            int width = schema.outputs();
            JavaRDD<Row> rows = kept == null ? outputs.flatMap(new Rows(schema, width))
                    : kept.javaRDD().zipPartitions(outputs, new KeptRows(schema, width));
            JavaRDD<Row> oneInOrder = rows.rdd().coalesce(1, false, Option.apply(new InOrder()), null).toJavaRDD();
            writeAtomically(sc, output, overwrite,
                    temporary -> SparkSession.builder().sparkContext(sc.sc()).getOrCreate().createDataFrame(oneInOrder, rowType).write()
                            .mode(SaveMode.Overwrite).parquet(temporary));
        } finally {
            outputs.unpersist(false);
            weights.destroy();
        }
        return data.rows();
    }

    private static DataType typeOf(Object value) {
        if (value instanceof String) {
            return DataTypes.StringType;
        }
        return value instanceof Integer ? DataTypes.IntegerType : DataTypes.FloatType;
    }

    /**
     * Writes through {@code writer} into a sibling directory of {@code output}, which is then renamed into place
     * ({@link HadoopFiles#writeDirectoryAtomically}); Spark's writer replaces the empty directory it is given.
     */
    private static void writeAtomically(JavaSparkContext sc, String output, boolean overwrite, java.util.function.Consumer<String> writer) {
        Path target = new Path(output);
        try {
            FileSystem fs = HadoopFiles.withoutChecksums(target.getFileSystem(sc.hadoopConfiguration()));
            HadoopFiles.writeDirectoryAtomically(fs, fs.makeQualified(target), overwrite, "output", HadoopFiles.alreadyExists("output", output),
                    temporary -> writer.accept(temporary.toString()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("writing " + output, e);
        }
    }

    /** Prediction rows of one block (runs on an executor). */
    private static final class Rows implements FlatMapFunction<double[], Row> {
        private static final long serialVersionUID = 1L;
        private final ModelSchema schema;
        private final int width;

        Rows(ModelSchema schema, int width) {
            this.schema = schema;
            this.width = width;
        }

        @Override
        public Iterator<Row> call(double[] out) {
            List<Row> rows = new ArrayList<>(out.length / width);
            for (int offset = 0; offset < out.length; offset += width) {
                rows.add(RowFactory.create(PredictionColumns.values(schema, out, offset)));
            }
            return rows.iterator();
        }
    }

    /** One DataFrame partition's kept columns beside its block's predictions, row for row (runs on an executor). */
    private static final class KeptRows implements FlatMapFunction2<Iterator<Row>, Iterator<double[]>, Row> {
        private static final long serialVersionUID = 1L;
        private final ModelSchema schema;
        private final int width;

        KeptRows(ModelSchema schema, int width) {
            this.schema = schema;
            this.width = width;
        }

        @Override
        public Iterator<Row> call(Iterator<Row> kept, Iterator<double[]> blocks) {
            double[] out = blocks.next();
            List<Row> rows = new ArrayList<>(out.length / width);
            for (int offset = 0; offset < out.length; offset += width) {
                if (!kept.hasNext()) {
                    throw new IllegalStateException("the input's partition has fewer rows than were read for prediction");
                }
                Row row = kept.next();
                Object[] predicted = PredictionColumns.values(schema, out, offset);
                Object[] values = new Object[row.size() + predicted.length];
                for (int i = 0; i < row.size(); i++) {
                    values[i] = row.get(i);
                }
                System.arraycopy(predicted, 0, values, row.size(), predicted.length);
                rows.add(RowFactory.create(values));
            }
            if (kept.hasNext() || blocks.hasNext()) {
                throw new IllegalStateException("the input's partition has more rows than were read for prediction");
            }
            return rows.iterator();
        }
    }

    /**
     * Every partition into one, in partition order. Spark's own coalescer groups by location and may begin with
     * any partition; the rows must stay in input order.
     */
    private static final class InOrder implements PartitionCoalescer, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public PartitionGroup[] coalesce(int maxPartitions, RDD<?> parent) {
            PartitionGroup group = new PartitionGroup(Option.empty());
            for (Partition p : parent.partitions()) {
                group.partitions().addOne(p);
            }
            return new PartitionGroup[] {group};
        }
    }
}
