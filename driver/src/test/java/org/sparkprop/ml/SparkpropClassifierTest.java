package org.sparkprop.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.ml.tuning.TrainValidationSplit;
import org.apache.spark.ml.tuning.TrainValidationSplitModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.driver.data.DataFormat;
import org.sparkprop.driver.data.DataReader;
import org.sparkprop.driver.data.InputSpec;
import org.sparkprop.driver.data.LabelKind;
import org.sparkprop.driver.model.Model;
import org.sparkprop.driver.model.ModelStore;
import org.sparkprop.driver.train.TrainConfig;
import org.sparkprop.driver.train.TrainListener;
import org.sparkprop.driver.train.TrainResult;
import org.sparkprop.driver.train.Trainer;

/** SparkpropClassifier in a user's session: Pipelines, evaluators, persistence, tuning, and one engine with the files' path. */
class SparkpropClassifierTest {

    private static SparkpropClassifier small() {
        return new SparkpropClassifier().setHiddenLayers(new int[] {16}).setMaxIter(20).setBatchSize(16).setStepSize(0.01).setSeed(7);
    }

    @Test
    void trainsIrisAndWritesWhatSparksEvaluatorsRead() {
        Dataset<Row> iris = MlSpark.iris();
        SparkpropClassificationModel model = small().fit(iris);
        Dataset<Row> out = model.transform(iris);
        assertTrue(List.of(out.columns()).containsAll(List.of("prediction", "probability", "rawPrediction")), List.of(out.columns()).toString());
        double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(out);
        assertTrue(accuracy > 0.9, "accuracy " + accuracy);
        assertEquals(3, model.numClasses());
        assertEquals(4, model.numFeatures());
        for (Row row : out.select("probability", "rawPrediction", "prediction").collectAsList()) {
            double[] p = ((Vector) row.get(0)).toArray();
            assertEquals(1.0, Arrays.stream(p).sum(), 1e-9);
            double[] raw = ((Vector) row.get(1)).toArray();
            for (int c = 0; c < p.length; c++) {
                assertEquals(Math.log(p[c]), raw[c], 1e-6);
            }
            assertEquals(argmax(p), row.getDouble(2));
        }
    }

    private static double argmax(double[] p) {
        int best = 0;
        for (int i = 1; i < p.length; i++) {
            if (p[i] > p[best]) {
                best = i;
            }
        }
        return best;
    }

    @Test
    void aDataFrameFitEqualsTheFilesPathToTheBit(@TempDir Path dir) {
        String libsvm = dir.resolve("iris.libsvm").toString();
        MlSpark.iris().select("label", "features").coalesce(1).write().format("libsvm").save(libsvm);
        SparkpropClassifier estimator = small().setMaxIter(3);
        estimator.set(estimator.getParam("partitions"), 2);
        Dataset<Row> frame = MlSpark.session().read().format("libsvm").load(libsvm);
        assertEquals(1, frame.rdd().getNumPartitions());
        double[] fromFrame = estimator.fit(frame).sparkpropModel().weights();

        JavaSparkContext sc = JavaSparkContext.fromSparkContext(MlSpark.session().sparkContext());
        TrainConfig.Builder b = TrainConfig.builder();
        b.hidden = new int[] {16};
        b.epochs = 3;
        b.batchSize = 16;
        b.learningRate = 0.01;
        b.seed = 7;
        b.partitions = 2;
        TrainConfig config = b.build();
        var data = DataReader.readForTraining(sc, InputSpec.of(libsvm, DataFormat.LIBSVM), LabelKind.CLASSES, null, 2);
        TrainResult fromFiles = new Trainer(sc, config).train(data, null, TrainListener.SILENT);
        data.unpersist();
        assertArrayEquals(fromFiles.weights(), fromFrame);
    }

    @Test
    void savesAndLoadsAloneAndInAPipelineAndTheCommandLineReadsIt(@TempDir Path dir) throws Exception {
        Dataset<Row> iris = MlSpark.iris().drop("features");
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
                new VectorAssembler().setInputCols(new String[] {"sepal_length", "sepal_width", "petal_length", "petal_width"}).setOutputCol("features"),
                small().setMaxIter(5)});
        PipelineModel fitted = pipeline.fit(iris);
        String saved = dir.resolve("pipeline").toString();
        fitted.write().save(saved);
        PipelineModel loaded = PipelineModel.load(saved);
        assertEquals(fitted.transform(iris).select("probability").collectAsList(), loaded.transform(iris).select("probability").collectAsList());

        SparkpropClassificationModel model = (SparkpropClassificationModel) fitted.stages()[1];
        String alone = dir.resolve("model").toString();
        model.save(alone);
        SparkpropClassificationModel back = SparkpropClassificationModel.load(alone);
        assertEquals(model.uid(), back.uid());
        assertEquals(model.sparkpropModel(), back.sparkpropModel());
        Model forCli = ModelStore.load(alone, MlSpark.session().sparkContext().hadoopConfiguration());
        assertArrayEquals(model.sparkpropModel().weights(), forCli.weights());
        assertTrue(Files.exists(dir.resolve("model").resolve(ModelStore.TRAINING_FILE)));
        try (var siblings = Files.list(dir)) {
            assertEquals(List.of("model", "pipeline"), siblings.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary left");
        }

        SparkpropClassifier estimator = small().setL2(0.001);
        estimator.save(dir.resolve("estimator").toString());
        SparkpropClassifier estimatorBack = SparkpropClassifier.load(dir.resolve("estimator").toString());
        assertEquals(estimator.uid(), estimatorBack.uid());
        assertEquals(0.001, estimatorBack.getOrDefault(estimatorBack.l2()));
        assertEquals(0.01, estimatorBack.getOrDefault(estimatorBack.stepSize()));
    }

    @Test
    void crossValidatorTunesAnyParam() {
        SparkpropClassifier estimator = small().setMaxIter(3);
        ParamMap[] grid = new ParamGridBuilder()
                .addGrid(estimator.stepSize(), new double[] {0.0001, 0.03})
                .addGrid(estimator.hiddenLayers(), scala.jdk.javaapi.CollectionConverters.asScala(List.<int[]>of(new int[] {4}, new int[] {8, 8})))
                .build();
        CrossValidatorModel cv = new CrossValidator().setEstimator(estimator).setEstimatorParamMaps(grid)
                .setEvaluator(new MulticlassClassificationEvaluator().setMetricName("accuracy")).setNumFolds(2).setSeed(1)
                .fit(MlSpark.iris());
        assertEquals(4, cv.avgMetrics().length);
        SparkpropClassificationModel best = (SparkpropClassificationModel) cv.bestModel();
        assertEquals(0.03, best.sparkpropModel().training().get("learning-rate").asDouble());
    }

    @Test
    void trainValidationSplitTunesToo() {
        SparkpropClassifier estimator = small().setMaxIter(3);
        ParamMap[] grid = new ParamGridBuilder().addGrid(estimator.batchSize(), new int[] {8, 32}).build();
        TrainValidationSplitModel tvs = new TrainValidationSplit().setEstimator(estimator).setEstimatorParamMaps(grid)
                .setEvaluator(new MulticlassClassificationEvaluator().setMetricName("accuracy")).setTrainRatio(0.7).setSeed(3)
                .fit(MlSpark.iris());
        assertEquals(2, tvs.validationMetrics().length);
        int batch = ((SparkpropClassificationModel) tvs.bestModel()).sparkpropModel().training().get("batch-size").asInt();
        assertTrue(batch == 8 || batch == 32, "batch " + batch);
    }

    @Test
    void aBadParamValueIsNamedAsSparkMlNamesIt() {
        SparkpropClassifier estimator = new SparkpropClassifier();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> estimator.setStepSize(-1));
        assertTrue(e.getMessage().startsWith("stepSize must be"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> estimator.setActivation("swish"));
        assertTrue(e.getMessage().startsWith("activation "), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> small().setLoss("mse").fit(MlSpark.iris()));
        assertTrue(e.getMessage().contains("loss mse does not fit SparkpropClassifier"), e.getMessage());
    }

    @Test
    void validationRowsAreHeldOutByTheIndicatorColumn() {
        Dataset<Row> iris = MlSpark.iris().withColumn("held", functions.expr("sepal_width > 3.3"));
        long held = iris.filter("held").count();
        SparkpropClassificationModel model = small().setMaxIter(3).setValidationIndicatorCol("held").fit(iris);
        var metrics = model.sparkpropModel().metrics();
        assertEquals(held, metrics.get("validation").get("count").asLong(), metrics.toString());
        assertEquals(iris.count() - held, metrics.get("train").get("count").asLong(), metrics.toString());
    }

    @Test
    void weightsOfOneEqualNoWeightsToTheBit() {
        Dataset<Row> iris = MlSpark.iris().withColumn("w", functions.lit(1.0));
        double[] plain = small().setMaxIter(3).fit(iris).sparkpropModel().weights();
        double[] weighted = small().setMaxIter(3).setWeightCol("w").fit(iris).sparkpropModel().weights();
        assertArrayEquals(plain, weighted);
        Dataset<Row> skewed = iris.withColumn("w", functions.expr("CASE WHEN label = 0 THEN 5.0 ELSE 0.5 END"));
        assertNotEquals(Arrays.toString(plain), Arrays.toString(small().setMaxIter(3).setWeightCol("w").fit(skewed).sparkpropModel().weights()));
    }

    private static Map<String, String> settings() {
        return Arrays.stream(MlSpark.session().sparkContext().getConf().getAll()).collect(java.util.stream.Collectors.toMap(t -> t._1(), t -> t._2()));
    }

    @Test
    void leavesTheCallersJobGroupAndSessionAsTheyWere() {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(MlSpark.session().sparkContext());
        Map<String, String> before = settings();
        sc.setJobGroup("callers-group", "the caller's jobs");
        try {
            small().setMaxIter(2).fit(MlSpark.iris());
            assertEquals("callers-group", sc.getLocalProperty("spark.jobGroup.id"));
            assertEquals("the caller's jobs", sc.getLocalProperty("spark.job.description"));
        } finally {
            sc.clearJobGroup();
        }
        assertEquals(before, settings());
    }
}
