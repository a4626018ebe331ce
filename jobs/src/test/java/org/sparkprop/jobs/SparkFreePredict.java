package org.sparkprop.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.sparkprop.predictor.Prediction;
import org.sparkprop.predictor.Predictor;

/**
 * The child JVM's main in {@link ServingTest}: predicts a features-only CSV file with the Spark-free {@link Predictor}
 * and prints the data lines that {@code sparkprop predict} writes for it. Uses nothing of Spark, Hadoop or the driver.
 * Arguments: MODEL_DIR CSV_FILE.
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
        float[][] rows = new float[lines.size() - 1][];
        for (int r = 0; r < rows.length; r++) {
            String[] fields = lines.get(r + 1).split(",");
            rows[r] = new float[fields.length];
            for (int f = 0; f < fields.length; f++) {
                rows[r][f] = Float.parseFloat(fields[f]);
            }
        }
        StringBuilder out = new StringBuilder();
        for (Prediction p : predictor.predict(rows)) {
            switch (p.kind()) {
                case CLASSES -> {
                    out.append(p.label());
                    for (double v : p.values()) {
                        out.append(',').append((float) v);
                    }
                }
                case BINARY -> out.append(p.label()).append(',').append((float) p.value(0));
                case MULTILABEL -> {
                    for (int k = 0; k < predictor.outputs(); k++) {
                        out.append(k == 0 ? "" : ",").append(p.on(k) ? 1 : 0);
                    }
                    for (double v : p.values()) {
                        out.append(',').append((float) v);
                    }
                }
                case REGRESSION -> {
                    for (int k = 0; k < predictor.outputs(); k++) {
                        out.append(k == 0 ? "" : ",").append((float) p.value(k));
                    }
                }
            }
            out.append('\n');
        }
        System.out.print(out);
    }
}
