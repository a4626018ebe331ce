package org.sparkprop.ml;

import java.util.Set;
import org.apache.spark.ml.classification.ProbabilisticClassifier;
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
 * A multilayer perceptron classifier trained by sparkprop: a Spark ML {@code ProbabilisticClassifier} whose labels
 * are class indices 0..K−1 (as {@code StringIndexer} makes them; K from the label column's metadata, else the
 * largest label + 1), trained with softmax cross-entropy. Its model writes {@code prediction}, {@code probability}
 * and {@code rawPrediction} (log-probabilities), as Spark's evaluators expect. Features: a Vector column, dense or
 * sparse, or an array of numbers. Every training setting is a Param ({@link SparkpropParams}).
 */
public final class SparkpropClassifier
        extends ProbabilisticClassifier<Vector, SparkpropClassifier, SparkpropClassificationModel>
        implements SparkpropParams<SparkpropClassifier>, DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final SettingParams settings;
    private transient Param<?>[] params;

    public SparkpropClassifier() {
        this(Identifiable$.MODULE$.randomUID("sparkpropClassifier"));
    }

    public SparkpropClassifier(String uid) {
        this(Uids.constructing(uid), true);
    }

    private SparkpropClassifier(String uid, boolean constructing) {
        this.uid = uid;
        Uids.done();
        settings = new SettingParams(this);
        settings.setDefaults(this, "cross_entropy");
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
        Fitting.checkSchema(this, settings, schema, getFeaturesCol(), getLabelCol(), LabelKind.CLASSES);
        return super.transformSchema(Frames.asVectors(schema, getFeaturesCol()));
    }

    @Override
    public SparkpropClassificationModel train(Dataset<?> dataset) {
        Fitting.Fit fit = Fitting.fit(this, settings, dataset, getFeaturesCol(), getLabelCol(), false, Set.of(LabelKind.CLASSES));
        return copyValues(new SparkpropClassificationModel(uid(), fit.model(), fit.history()), ParamMap.empty());
    }

    @Override
    public SparkpropClassifier copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    public static MLReader<SparkpropClassifier> read() {
        return new DefaultParamsReader<>();
    }

    public static SparkpropClassifier load(String path) {
        return read().load(path);
    }
}
