package org.sparkprop.ml;

import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The training Params every sparkprop Estimator has, with typed accessors and fluent setters for Java and Scala
 * programs. The Params themselves come from the table of training settings ({@link SettingParams}); every setting
 * is also reachable by name ({@code getParam("l2")}, {@code set("l2", 0.001)} through a ParamMap), as
 * {@code ParamGridBuilder} and {@code CrossValidator} use them.
 *
 * @param <E> the Estimator
 */
public interface SparkpropParams<E extends SparkpropParams<E>> extends Params {

    /** Widths of the hidden layers, input side first (setting {@code hidden}). */
    default IntArrayParam hiddenLayers() {
        return (IntArrayParam) (Param<?>) getParam("hiddenLayers");
    }

    /** Epochs at most (setting {@code epochs}; Spark's name). */
    default IntParam maxIter() {
        return (IntParam) (Param<?>) getParam("maxIter");
    }

    /** The base learning rate (setting {@code learning-rate}; Spark's name). */
    default DoubleParam stepSize() {
        return (DoubleParam) (Param<?>) getParam("stepSize");
    }

    /** Global mini-batch size over all partitions. */
    default IntParam batchSize() {
        return (IntParam) (Param<?>) getParam("batchSize");
    }

    /** Seed of the initial weights and of every epoch's row order. */
    default LongParam seed() {
        return (LongParam) (Param<?>) getParam("seed");
    }

    /** Stop when an epoch improves the training loss by less than this fraction (setting {@code tolerance}). */
    default DoubleParam tol() {
        return (DoubleParam) (Param<?>) getParam("tol");
    }

    @SuppressWarnings("unchecked")
    default Param<String> activation() {
        return (Param<String>) (Param<?>) getParam("activation");
    }

    @SuppressWarnings("unchecked")
    default Param<String> optimizer() {
        return (Param<String>) (Param<?>) getParam("optimizer");
    }

    @SuppressWarnings("unchecked")
    default Param<String> loss() {
        return (Param<String>) (Param<?>) getParam("loss");
    }

    default DoubleParam l1() {
        return (DoubleParam) (Param<?>) getParam("l1");
    }

    default DoubleParam l2() {
        return (DoubleParam) (Param<?>) getParam("l2");
    }

    default DoubleParam clipNorm() {
        return (DoubleParam) (Param<?>) getParam("clipNorm");
    }

    @SuppressWarnings("unchecked")
    default Param<String> weightCol() {
        return (Param<String>) (Param<?>) getParam("weightCol");
    }

    @SuppressWarnings("unchecked")
    default Param<String> validationIndicatorCol() {
        return (Param<String>) (Param<?>) getParam("validationIndicatorCol");
    }

    default IntParam checkpointInterval() {
        return (IntParam) (Param<?>) getParam("checkpointInterval");
    }

    default E setHiddenLayers(int[] value) {
        return with(hiddenLayers(), value);
    }

    default E setMaxIter(int value) {
        return with(maxIter(), value);
    }

    default E setStepSize(double value) {
        return with(stepSize(), value);
    }

    default E setBatchSize(int value) {
        return with(batchSize(), value);
    }

    default E setSeed(long value) {
        return with(seed(), value);
    }

    default E setTol(double value) {
        return with(tol(), value);
    }

    default E setActivation(String value) {
        return with(activation(), value);
    }

    default E setOptimizer(String value) {
        return with(optimizer(), value);
    }

    default E setLoss(String value) {
        return with(loss(), value);
    }

    default E setL1(double value) {
        return with(l1(), value);
    }

    default E setL2(double value) {
        return with(l2(), value);
    }

    default E setClipNorm(double value) {
        return with(clipNorm(), value);
    }

    default E setWeightCol(String value) {
        return with(weightCol(), value);
    }

    default E setValidationIndicatorCol(String value) {
        return with(validationIndicatorCol(), value);
    }

    default E setCheckpointInterval(int value) {
        return with(checkpointInterval(), value);
    }

    /** Sets {@code param} to {@code value} (checked by the Param) and returns this Estimator. */
    @SuppressWarnings("unchecked")
    default <T> E with(Param<T> param, T value) {
        set(param, value);
        return (E) this;
    }
}
