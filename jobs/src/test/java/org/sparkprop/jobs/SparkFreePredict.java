package org.sparkprop.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.sparkprop.predictor.PredictionColumns;
import org.sparkprop.predictor.Predictor;

/**
 * The child JVM's main in {@link ServingTest}: predicts a CSV file with the Spark-free {@link Predictor}, reading the
 * model's feature columns by name, and prints the data lines that {@code sparkprop predict} writes for it
 * ({@link PredictionColumns}). Uses nothing of Spark, Hadoop or the driver. Arguments: MODEL_DIR CSV_FILE.
 */
public final class SparkFreePredict {
    private SparkFreePredict() {
    }

    public static void main(String[] args) throws IOException {
        try {
            Class.forName("org.apache.spark.SparkContext");
            System.out.println("Spark is on the class path");
            return;
        } catch (ClassNotFoundException expected) {
            // as it should be
        }
        Predictor predictor = Predictor.load(Path.of(args[0]));
        List<String> lines = Files.readAllLines(Path.of(args[1]));
        // the model's features by name, as a service maps its records: other columns (a weight column) are left out
        List<String> header = List.of(lines.get(0).split(","));
        int[] at = predictor.featureNames().stream().mapToInt(header::indexOf).toArray();
        int rows = lines.size() - 1;
        float[] features = new float[rows * at.length];
        for (int r = 0; r < rows; r++) {
            String[] fields = lines.get(r + 1).split(",");
            for (int f = 0; f < at.length; f++) {
                features[r * at.length + f] = Float.parseFloat(fields[at[f]]);
            }
        }
        double[] outputs = predictor.outputs(features, rows);
        StringBuilder out = new StringBuilder();
        for (int r = 0; r < rows; r++) {
            PredictionColumns.csvLine(predictor.model().schema(), outputs, r * predictor.outputs(), out);
            out.append('\n');
        }
        System.out.print(out);
    }
}
