package org.sparkprop.driver.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.sparkprop.driver.TestSpark;
import org.sparkprop.driver.UserException;

class BuiltinDataTest {
    private final JavaSparkContext sc = TestSpark.context();

    private Dataset train(String path, LabelKind kind, int partitions) {
        return DataReader.readForTraining(sc, InputSpec.of(path, DataFormat.CSV), kind, null, partitions);
    }

    private Dataset ordered(String path, Schema known) {
        return DataReader.readOrdered(sc, InputSpec.of(path, DataFormat.CSV), known);
    }

    /** All rows' features (row after row) and targets of a dataset, block after block. */
    private static float[][] packed(Dataset data) {
        List<Block> blocks = data.blocks().collect();
        int inputs = data.schema().numFeatures();
        float[] features = new float[(int) data.rows() * inputs];
        float[] targets = new float[(int) data.rows()];
        int at = 0;
        for (Block b : blocks) {
            System.arraycopy(b.features, 0, features, at * inputs, b.features.length);
            System.arraycopy(b.targets, 0, targets, at, b.targets.length);
            at += b.rows;
        }
        return new float[][] {features, targets};
    }

    @Test
    void namesAndDescriptions() {
        assertEquals(List.of("digits", "friedman1", "iris", "xor", "text"), BuiltinData.names());
        for (String name : BuiltinData.names()) {
            assertFalse(BuiltinData.description(name).isBlank(), name);
        }
        assertEquals("unknown built-in data set 'builtin:mnist'; built-in: digits, friedman1, iris, xor, text (builtin:NAME for"
                + " the train split, builtin:NAME:test for the test split)",
                assertThrows(UserException.class, () -> train("builtin:mnist", LabelKind.CLASSES, 1)).getMessage());
    }

    @Test
    void digitsAreImagesOfTenBalancedClassesPlacedLikeFileRows() {
        int partitions = 3;
        Dataset training = train("builtin:digits", LabelKind.CLASSES, partitions);
        assertEquals(new Schema(784, List.of(), List.of(), LabelKind.CLASSES,
                List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), 10), training.schema());
        assertEquals(8000, training.rows());
        List<Block> blocks = training.blocks().collect();
        assertEquals(partitions, blocks.size());

        float[][] inOrder = packed(ordered("builtin:digits", training.schema()));
        for (int p = 0; p < partitions; p++) {
            Block block = blocks.get(p);
            for (int i = 0; i < block.rows; i++) {
                int r = p + i * partitions;
                assertArrayEquals(Arrays.copyOfRange(inOrder[0], r * 784, (r + 1) * 784),
                        Arrays.copyOfRange(block.features, i * 784, (i + 1) * 784), "row " + r);
                assertEquals(inOrder[1][r], block.targets[i], "row " + r);
            }
        }
        int[] counts = new int[10];
        for (float label : inOrder[1]) {
            assertEquals(Math.rint(label), label);
            counts[(int) label]++;
        }
        for (int c = 0; c < 10; c++) {
            assertTrue(counts[c] > 650 && counts[c] < 950, "class " + c + ": " + counts[c]);
        }
        for (float v : inOrder[0]) {
            assertTrue(v >= 0 && v <= 1, "pixel " + v);
        }

        Dataset test = ordered("builtin:digits:test", training.schema());
        assertEquals(2000, test.rows());
        float[][] testRows = packed(test);
        assertFalse(Arrays.equals(Arrays.copyOf(testRows[0], 784), Arrays.copyOf(inOrder[0], 784)));
        double accuracy = nearestCentroidAccuracy(inOrder, testRows);
        assertTrue(accuracy > 0.5 && accuracy < 0.9, "nearest class mean is learnable but not trivially: " + accuracy);
    }

    /** Test accuracy of classifying each test image by the nearest training class mean. */
    private static double nearestCentroidAccuracy(float[][] train, float[][] test) {
        double[][] centroid = new double[10][784];
        int[] counts = new int[10];
        for (int r = 0; r < train[1].length; r++) {
            int c = (int) train[1][r];
            counts[c]++;
            for (int i = 0; i < 784; i++) {
                centroid[c][i] += train[0][r * 784 + i];
            }
        }
        int correct = 0;
        for (int r = 0; r < test[1].length; r++) {
            int best = -1;
            double bestDistance = Double.MAX_VALUE;
            for (int c = 0; c < 10; c++) {
                double distance = 0;
                for (int i = 0; i < 784; i++) {
                    double d = test[0][r * 784 + i] - centroid[c][i] / counts[c];
                    distance += d * d;
                }
                if (distance < bestDistance) {
                    bestDistance = distance;
                    best = c;
                }
            }
            correct += best == (int) test[1][r] ? 1 : 0;
        }
        return (double) correct / test[1].length;
    }

    @Test
    void friedman1FollowsItsFormulaWithUnitNoise() {
        Dataset data = train("builtin:friedman1", LabelKind.REGRESSION, 2);
        assertEquals(new Schema(10, List.of(), List.of(), LabelKind.REGRESSION, List.of(), 1), data.schema());
        assertEquals(5000, data.rows());
        float[][] rows = packed(data);
        double sum = 0;
        double sumSquares = 0;
        for (int r = 0; r < 5000; r++) {
            double[] x = new double[10];
            for (int i = 0; i < 10; i++) {
                x[i] = rows[0][r * 10 + i];
                assertTrue(x[i] >= 0 && x[i] < 1);
            }
            double y = 10 * Math.sin(Math.PI * x[0] * x[1]) + 20 * (x[2] - 0.5) * (x[2] - 0.5) + 10 * x[3] + 5 * x[4];
            double noise = rows[1][r] - y;
            sum += noise;
            sumSquares += noise * noise;
        }
        double mean = sum / 5000;
        double sd = Math.sqrt(sumSquares / 5000 - mean * mean);
        assertTrue(Math.abs(mean) < 0.06, "noise mean " + mean);
        assertTrue(Math.abs(sd - 1) < 0.05, "noise sd " + sd);
        assertEquals(1000, ordered("builtin:friedman1:test", data.schema()).rows());
    }

    @Test
    void irisSplitsTheRealDataStratified() throws IOException {
        Dataset train = train("builtin:iris", LabelKind.CLASSES, 2);
        Dataset fromFile = DataReader.readForTraining(sc, InputSpec.of(TestData.resource("iris.csv").toString(),
                DataFormat.CSV), LabelKind.CLASSES, null, 1);
        assertEquals(fromFile.schema(), train.schema());
        Dataset test = ordered("builtin:iris:test", train.schema());
        assertEquals(120, train.rows());
        assertEquals(30, test.rows());
        List<String> both = new ArrayList<>(TestData.rows(train));
        both.addAll(TestData.rows(test));
        assertEquals(CsvReadTest.sorted(CsvReadTest.irisRows()), CsvReadTest.sorted(both));
        for (int species = 0; species < 3; species++) {
            String label = "| " + (float) species;
            assertEquals(10, TestData.rows(test).stream().filter(row -> row.endsWith(label)).count(), "species " + species);
        }
        Dataset fileWithBuiltinSchema = ordered(TestData.resource("iris.csv").toString(), train.schema());
        assertEquals(150, fileWithBuiltinSchema.rows());
    }

    @Test
    void xorIsMostlyTheXorOfTheSignsAsClassesOrBinary() {
        Dataset classes = train("builtin:xor", LabelKind.CLASSES, 2);
        Dataset binary = train("builtin:xor", LabelKind.BINARY, 2);
        assertEquals(2, classes.schema().outputs());
        assertEquals(1, binary.schema().outputs());
        assertEquals(TestData.rows(classes), TestData.rows(binary));
        float[][] rows = packed(classes);
        int agree = 0;
        for (int r = 0; r < classes.rows(); r++) {
            boolean xor = (rows[0][2 * r] > 0) != (rows[0][2 * r + 1] > 0);
            agree += (xor ? 1f : 0f) == rows[1][r] ? 1 : 0;
        }
        double fraction = (double) agree / classes.rows();
        assertTrue(fraction > 0.85 && fraction < 0.99, "labels matching the signs' xor: " + fraction);
        Dataset prediction = DataReader.readForPrediction(sc, InputSpec.of("builtin:xor:test", DataFormat.CSV), classes.schema());
        assertEquals(250, prediction.rows());
        assertEquals(0, prediction.blocks().first().targetWidth);
    }

    @Test
    void kindsAndSchemasMustFit() {
        assertEquals("builtin:friedman1 has a regression target (--loss mse); it cannot be read as classes data",
                assertThrows(UserException.class, () -> train("builtin:friedman1", LabelKind.CLASSES, 1)).getMessage());
        assertEquals("builtin:iris has class labels (--loss cross_entropy); it cannot be read as regression data",
                assertThrows(UserException.class, () -> train("builtin:iris", LabelKind.REGRESSION, 1)).getMessage());
        Schema friedman = new Schema(10, List.of(), List.of(), LabelKind.REGRESSION, List.of(), 1);
        Schema xorSchema = new Schema(2, List.of(), List.of(), LabelKind.REGRESSION, List.of(), 1);
        String message = assertThrows(UserException.class, () -> ordered("builtin:friedman1:test", xorSchema)).getMessage();
        assertEquals("builtin:friedman1:test does not match the training data: it has 10 features, regression labels,"
                + " 1 outputs; the training data had 2 features, regression labels, 1 outputs", message);
        assertEquals(1000, ordered("builtin:friedman1:test", friedman).rows());
    }
}
