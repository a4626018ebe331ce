package org.sparkprop.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.sparkprop.driver.HadoopFiles;
import org.sparkprop.driver.SparkJobs;
import org.sparkprop.driver.UserException;
import org.sparkprop.driver.data.Block;
import org.sparkprop.driver.eval.BlockForward;
import org.sparkprop.driver.data.Dataset;
import org.sparkprop.kernels.Network;
import org.sparkprop.kernels.Precision;
import org.sparkprop.kernels.Topology;
import org.sparkprop.kernels.Workspace;
import org.sparkprop.predictor.Json;
import scala.collection.Iterator;

/**
 * Up to {@link #MAX_ROWS} (actual, predicted) pairs of a regression model, for the report's predicted-against-
 * actual chart. {@code train} stores them in the model directory as {@value #FILE}, taken from the validation
 * data (else the training data) while they are cached, so that a report, then or later, is drawn from the model
 * directory alone: {@code report} needs neither the data nor Spark. The pairs are the first
 * ⌈{@link #MAX_ROWS}/P⌉ rows of each of the P partitions, so the sample is the same in every run.
 *
 * <p>The file: {@code source} ("validation" or "train"), {@code rows}, {@code outputs} (their names), and
 * {@code actual} and {@code predicted}, each rows × outputs numbers, row by row.
 */
final class ReportSample {
    static final String FILE = "predictions-sample.json";
    /** Most pairs stored: enough to show the shape of the errors, few enough to draw. */
    static final int MAX_ROWS = 1000;
    /** Largest sample file read back. */
    static final long MAX_FILE_BYTES = 16L << 20;

    private ReportSample() {
    }

    /**
     * Runs one Spark job over the cached blocks of {@code validation}, or of {@code train} without it (each task
     * takes the first rows of its partition), and returns the content of {@value #FILE}.
     *
     * @param weights    the model's weights. Not modified.
     * @param validation null, or the validation data
     */
    static ObjectNode compute(JavaSparkContext sc, Topology topology, Precision precision, double[] weights, Dataset train,
                              Dataset validation) {
        Dataset data = validation != null ? validation : train;
        String source = validation != null ? "validation" : "train";
        int partitions = data.blocks().getNumPartitions();
        int perPartition = (MAX_ROWS + partitions - 1) / partitions;
        Broadcast<Object> broadcast = sc.broadcast(Network.create(topology, precision).toCompute(weights));
        double[][] parts;
        try {
            parts = SparkJobs.runOnPartitions(sc, data.blocks(), new FirstRows(broadcast, topology, precision, perPartition),
                    double[].class, "predict a sample of the " + source + " data for the report");
        } finally {
            broadcast.destroy();
        }
        int outputs = topology.outputs();
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("source", source);
        ArrayNode names = json.putArray("outputs");
        List<String> columns = train.schema().labelColumns();
        for (int k = 0; k < outputs; k++) {
            names.add(columns.size() == outputs ? columns.get(k) : outputs == 1 ? "target" : "target " + (k + 1));
        }
        ArrayNode actual = json.putArray("actual");
        ArrayNode predicted = json.putArray("predicted");
        int rows = 0;
        for (double[] part : parts) {
            int n = part.length / (2 * outputs);
            rows += n;
            for (int i = 0; i < n * outputs; i++) {
                actual.add(part[i]);
                predicted.add(part[n * outputs + i]);
            }
        }
        json.put("rows", rows);
        return json;
    }

    /** The sample stored in the model directory {@code dir}, or null if there is none. */
    static JsonNode read(String dir, Configuration conf) {
        Path path = new Path(dir, FILE);
        try {
            FileSystem fs = HadoopFiles.withoutChecksums(path.getFileSystem(conf));
            if (!fs.exists(path)) {
                return null;
            }
            JsonNode json = HadoopFiles.readJson(fs, path, MAX_FILE_BYTES, path.toString());
            check(json, path.toString());
            return json;
        } catch (IOException e) {
            throw new UserException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    private static void check(JsonNode json, String where) {
        JsonNode outputs = json == null ? null : json.get("outputs");
        if (outputs == null || !outputs.isArray() || outputs.isEmpty() || !json.path("rows").canConvertToInt()) {
            throw new UserException(where + ": not a prediction sample (expected outputs, rows, actual and predicted)");
        }
        long values = (long) json.get("rows").asInt() * outputs.size();
        for (String field : List.of("actual", "predicted")) {
            JsonNode array = json.get(field);
            if (array == null || !array.isArray() || array.size() != values) {
                throw new UserException(where + ": " + field + " must hold rows × outputs = " + values + " numbers");
            }
            for (JsonNode v : array) {
                if (!v.isNumber()) {
                    throw new UserException(where + ": " + field + " holds " + v + ", not a number");
                }
            }
        }
    }

    /**
     * Forward pass over the first {@code limit} rows of a partition (runs on an executor). Returns the
     * targets and then the outputs of those n rows: 2 × n × outputs values, each half row by row.
     */
    static final class FirstRows implements SparkJobs.PartitionFunction<Block, double[]> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<Object> weights;
        private final Topology topology;
        private final Precision precision;
        private final int limit;

        FirstRows(Broadcast<Object> weights, Topology topology, Precision precision, int limit) {
            this.weights = weights;
            this.topology = topology;
            this.precision = precision;
            this.limit = limit;
        }

        @Override
        public double[] apply(TaskContext context, Iterator<Block> blocks) {
            int outputs = topology.outputs();
            double[] actual = new double[limit * outputs];
            double[] predicted = new double[limit * outputs];
            int taken = 0;
            while (blocks.hasNext() && taken < limit) {
                Block block = blocks.next();
                int n = Math.min(block.rows, limit - taken);
                if (n == 0) {
                    continue;
                }
                double[] out = new double[n * outputs];
                new BlockForward(topology, precision, n).evaluate(weights.value(), block, true, 0, n, out);
                System.arraycopy(out, 0, predicted, taken * outputs, n * outputs);
                for (int i = 0; i < n * outputs; i++) {
                    actual[taken * outputs + i] = block.targets[i];
                }
                taken += n;
            }
            double[] result = new double[2 * taken * outputs];
            System.arraycopy(actual, 0, result, 0, taken * outputs);
            System.arraycopy(predicted, 0, result, taken * outputs, taken * outputs);
            return result;
        }
    }
}
