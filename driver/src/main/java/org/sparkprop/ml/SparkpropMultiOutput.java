package org.sparkprop.ml;

import java.util.Set;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.StructType;
import org.sparkprop.driver.data.LabelKind;

/**
 * A multilayer perceptron with several outputs, which Spark's {@code Predictor} (one number a row) cannot express:
 * the label column is a Vector or an array of numbers, one per output, and the model writes a Vector prediction.
 * With loss {@code mse} (the default) it is a multi-output regression; with {@code binary_cross_entropy} a multi-label
 * classifier whose labels are 0 or 1 and whose prediction holds each label's probability.
 */
public final class SparkpropMultiOutput extends Estimator<SparkpropMultiOutputModel>
        implements SparkpropParams<SparkpropMultiOutput>, DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final SettingParams settings;
    private final Param<String> featuresCol;
    private final Param<String> labelCol;
    private final Param<String> predictionCol;
    private transient Param<?>[] params;

    public SparkpropMultiOutput() {
        this(Identifiable$.MODULE$.randomUID("sparkpropMultiOutput"));
    }

    public SparkpropMultiOutput(String uid) {
        this(Uids.constructing(uid), true);
    }

    private SparkpropMultiOutput(String uid, boolean constructing) {
        this.uid = uid;
        Uids.done();
        settings = new SettingParams(this);
        featuresCol = settings.column(this, "featuresCol", "features column: a Vector or an array of numbers");
        labelCol = settings.column(this, "labelCol", "label column: a Vector or an array of numbers, one per output");
        predictionCol = settings.column(this, "predictionCol", "prediction column: a Vector, one value per output");
        settings.setDefaults(this, "mse");
        setDefault(featuresCol, "features");
        setDefault(labelCol, "label");
        setDefault(predictionCol, "prediction");
    }

    @Override
    public String uid() {
        return uid != null ? uid : Uids.current();
    }

    @Override
    public Param<?>[] params() {
        if (params == null) {
            Param<?>[] all = SettingParams.params(this, settings);
            if (settings == null || predictionCol == null) {
                return all;
            }
            params = all;
        }
        return params;
    }

    public Param<String> featuresCol() {
        return featuresCol;
    }

    public Param<String> labelCol() {
        return labelCol;
    }

    public Param<String> predictionCol() {
        return predictionCol;
    }

    public SparkpropMultiOutput setFeaturesCol(String value) {
        return with(featuresCol, value);
    }

    public SparkpropMultiOutput setLabelCol(String value) {
        return with(labelCol, value);
    }

    public SparkpropMultiOutput setPredictionCol(String value) {
        return with(predictionCol, value);
    }

    @Override
    public StructType transformSchema(StructType schema) {
        Fitting.checkSchema(this, settings, schema, $(featuresCol), $(labelCol), LabelKind.REGRESSION);
        if (java.util.List.of(schema.fieldNames()).contains($(predictionCol))) {
            throw new IllegalArgumentException("the DataFrame has a column " + $(predictionCol) + " already; set predictionCol to another name");
        }
        return schema.add($(predictionCol), new VectorUDT(), false);
    }

    @Override
    public SparkpropMultiOutputModel fit(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        Fitting.Fit fit = Fitting.fit(this, settings, dataset, $(featuresCol), $(labelCol), true,
                Set.of(LabelKind.REGRESSION, LabelKind.MULTILABEL));
        SparkpropMultiOutputModel model = new SparkpropMultiOutputModel(uid(), fit.model(), fit.history());
        return copyValues(model, ParamMap.empty()).setParent(this);
    }

    @Override
    public SparkpropMultiOutput copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    public static MLReader<SparkpropMultiOutput> read() {
        return new DefaultParamsReader<>();
    }

    public static SparkpropMultiOutput load(String path) {
        return read().load(path);
    }
}
