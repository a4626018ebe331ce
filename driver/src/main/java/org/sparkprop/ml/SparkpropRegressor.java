package org.sparkprop.ml;

import java.util.Set;
import org.apache.spark.ml.regression.Regressor;
import org.apache.spark.ml.linalg.Vector;
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
 * A multilayer perceptron regressor trained by sparkprop: a Spark ML {@code Regressor} of one numeric target,
 * trained with mean squared error; its model writes {@code prediction}. Features: a Vector column, dense or sparse,
 * or an array of numbers. Every training setting is a Param ({@link SparkpropParams}).
 */
public final class SparkpropRegressor
        extends Regressor<Vector, SparkpropRegressor, SparkpropRegressionModel>
        implements SparkpropParams<SparkpropRegressor>, DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final SettingParams settings;
    private transient Param<?>[] params;

    public SparkpropRegressor() {
        this(Identifiable$.MODULE$.randomUID("sparkpropRegressor"));
    }

    public SparkpropRegressor(String uid) {
        this(Uids.constructing(uid), true);
    }

    private SparkpropRegressor(String uid, boolean constructing) {
        this.uid = uid;
        Uids.done();
        settings = new SettingParams(this);
        settings.setDefaults(this, "mse");
    }

    @Override
    public String uid() {
        return uid != null ? uid : Uids.current();
    }

    @Override
    public Param<?>[] params() {
        if (params == null) {
            Param<?>[] all = SettingParams.params(this, settings);
            if (settings == null) {
                return all;
            }
            params = all;
        }
        return params;
    }

    @Override
    public StructType transformSchema(StructType schema) {
        Fitting.checkSchema(this, settings, schema, getFeaturesCol(), getLabelCol(), LabelKind.REGRESSION);
        return super.transformSchema(Frames.asVectors(schema, getFeaturesCol()));
    }

    @Override
    public SparkpropRegressionModel train(Dataset<?> dataset) {
        Fitting.Fit fit = Fitting.fit(this, settings, dataset, getFeaturesCol(), getLabelCol(), false, Set.of(LabelKind.REGRESSION));
        return copyValues(new SparkpropRegressionModel(uid(), fit.model(), fit.history()), ParamMap.empty());
    }

    @Override
    public SparkpropRegressor copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    public static MLReader<SparkpropRegressor> read() {
        return new DefaultParamsReader<>();
    }

    public static SparkpropRegressor load(String path) {
        return read().load(path);
    }
}
