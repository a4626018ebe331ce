package org.sparkprop.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.junit.jupiter.api.Test;
import org.sparkprop.driver.train.Setting;
import org.sparkprop.driver.train.TrainConfig;
import org.sparkprop.driver.train.TrainSettings;

/** Every training setting is a Param of every Estimator, with the table's name, default, check and meaning. */
class SettingParamsTest {

    private static List<Params> estimators() {
        return List.of(new SparkpropClassifier(), new SparkpropRegressor(), new SparkpropMultiOutput());
    }

    @Test
    void everySettingIsAParamWithTheTablesDefault() {
        for (Params estimator : estimators()) {
            for (Setting<?> setting : TrainSettings.all()) {
                assertTrue(estimator.hasParam(setting.paramName()), estimator + " lacks " + setting.paramName());
                Param<Object> param = estimator.getParam(setting.paramName());
                assertEquals(estimator.uid(), param.parent());
                assertTrue(param.doc().contains("default"), param.doc());
                if (setting.defaultValue() != null && !setting.name().equals("loss")) {
                    Object value = estimator.getOrDefault(param);
                    if (value instanceof int[] ints) {
                        assertArrayEquals((int[]) setting.defaultValue(), ints, setting.name());
                    } else {
                        assertEquals(setting.defaultValue(), value, setting.name());
                    }
                }
            }
            for (String column : List.of("featuresCol", "labelCol", "predictionCol", "weightCol", "validationIndicatorCol", "checkpointInterval")) {
                assertTrue(estimator.hasParam(column), estimator + " lacks " + column);
            }
        }
        SparkpropClassifier classifier = new SparkpropClassifier();
        assertEquals("cross_entropy", classifier.getOrDefault(classifier.loss()));
        SparkpropRegressor regressor = new SparkpropRegressor();
        assertEquals("mse", regressor.getOrDefault(regressor.loss()));
    }

    /** A value set through a Param means what the same value set through the table means (the command line's way). */
    @Test
    void aParamValueMeansWhatTheSettingMeans() {
        for (Setting<?> setting : TrainSettings.all()) {
            Object value = differentValue(setting);
            if (value == null) {
                continue;
            }
            SparkpropRegressor estimator = new SparkpropRegressor();
            estimator.set(estimator.getParam(setting.paramName()), value);
            TrainConfig.Builder expected = TrainConfig.builder();
            expected.loss = org.sparkprop.kernels.Loss.MSE;
            apply(setting, expected, value);
            assertEquals(expected.build(), settingsOf(estimator).config(estimator), setting.name());
        }
    }

    private static SettingParams settingsOf(SparkpropRegressor estimator) {
        try {
            var field = SparkpropRegressor.class.getDeclaredField("settings");
            field.setAccessible(true);
            return (SettingParams) field.get(estimator);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> void apply(Setting<T> setting, TrainConfig.Builder builder, Object value) {
        setting.apply(builder, (T) value);
    }

    /** A valid value other than the default, in a configuration where the setting is used; null to skip. */
    private static Object differentValue(Setting<?> setting) {
        return switch (setting.name()) {
            case "hidden" -> new int[] {7, 5};
            case "activation" -> "tanh";
            case "optimizer" -> "sgd";
            case "learning-rate" -> 0.02;
            case "beta1" -> 0.8;
            case "beta2" -> 0.99;
            case "adam-epsilon" -> 1e-6;
            case "batch-size" -> 17;
            case "epochs" -> 3;
            case "seed" -> 99L;
            case "partitions" -> 3;
            case "precision" -> "double";
            case "l1" -> 0.001;
            case "l2" -> 0.002;
            case "clip-norm" -> 1.5;
            case "clip-value" -> 0.5;
            case "tolerance" -> 0.01;
            case "patience" -> 4;
            case "warmup-steps" -> 10L;
            case "dropout" -> "0.25";
            default -> null;
        };
    }

    /** Dropout and class weights reach the Estimators through the table alone: Params that set the configuration. */
    @Test
    void dropoutAndClassWeightsAreParams() {
        SparkpropClassifier classifier = new SparkpropClassifier();
        Param<Object> dropout = classifier.getParam("dropout");
        Param<Object> classWeights = classifier.getParam("classWeights");
        assertEquals("0", classifier.getOrDefault(dropout));
        assertEquals("none", classifier.getOrDefault(classWeights));
        classifier.set(classifier.getParam("hiddenLayers"), new int[] {8, 4});
        classifier.set(dropout, "0.5, 0.2");
        classifier.set(classWeights, "balanced");
        TrainConfig config = settingsOf(classifier).config(classifier);
        assertArrayEquals(new double[] {0.5, 0.2}, config.dropout().rates());
        assertEquals("balanced", config.classWeights().toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> classifier.set(dropout, "1.0"));
        assertTrue(e.getMessage().startsWith("dropout "), e.getMessage());
        classifier.set(dropout, "0.5,0.2,0.1");
        e = assertThrows(IllegalArgumentException.class, () -> settingsOf(classifier).config(classifier));
        assertTrue(e.getMessage().startsWith("dropout needs one rate, or one per hidden layer (2)"), e.getMessage());
    }

    private static SettingParams settingsOf(SparkpropClassifier estimator) {
        try {
            var field = SparkpropClassifier.class.getDeclaredField("settings");
            field.setAccessible(true);
            return (SettingParams) field.get(estimator);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aBadValueNamesTheParam() {
        SparkpropClassifier estimator = new SparkpropClassifier();
        for (Setting<?> setting : TrainSettings.all()) {
            Object bad = switch (setting.type().getSimpleName()) {
                case "Integer" -> -5;
                case "Long" -> -5L;
                case "Double" -> Double.NaN;
                case "String" -> "no-such-choice";
                default -> new int[] {0};
            };
            if (setting.name().equals("seed")) {
                continue;
            }
            Param<Object> param = estimator.getParam(setting.paramName());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> estimator.set(param, bad), setting.name());
            assertTrue(e.getMessage().startsWith(setting.paramName() + " "), e.getMessage());
        }
    }
}
