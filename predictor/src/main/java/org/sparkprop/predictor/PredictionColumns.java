package org.sparkprop.predictor;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The columns {@code sparkprop predict} writes for a model, in one place for its CSV and Parquet output and for a
 * service that writes the same rows with {@link Predictor}: classification, the predicted class then one probability
 * per class ({@code prediction}, {@code p_<class>}); binary, the class then the second class's probability;
 * multi-label, a 0/1 decision per label then a probability per label ({@code <label>}, {@code p_<label>});
 * regression, the predicted value ({@code prediction}) or one per label column.
 */
public final class PredictionColumns {
    private PredictionColumns() {
    }

    /** The columns' names. */
    public static List<String> names(ModelSchema schema) {
        List<String> names = new ArrayList<>();
        switch (schema.kind()) {
            case CLASSES -> {
                names.add("prediction");
                schema.classes().forEach(c -> names.add("p_" + c));
            }
            case BINARY -> {
                names.add("prediction");
                names.add("p_" + schema.classes().get(1));
            }
            case MULTILABEL -> {
                names.addAll(labelNames(schema));
                labelNames(schema).forEach(n -> names.add("p_" + n));
            }
            case REGRESSION -> names.addAll(schema.outputs() > 1 ? labelNames(schema) : List.of("prediction"));
        }
        return names;
    }

    private static List<String> labelNames(ModelSchema schema) {
        if (schema.labelColumns().size() == schema.outputs()) {
            return schema.labelColumns();
        }
        return IntStream.range(0, schema.outputs()).mapToObj(i -> "label" + i).toList();
    }

    /**
     * One row's values, one per {@link #names} column: a class label as text, probabilities and regression values as
     * float, multi-label decisions as int 0 or 1. {@code out} holds the network's outputs row after row (as
     * {@link Predictor#outputs} returns them); the row's are {@code out[offset .. offset + schema.outputs())}.
     */
    public static Object[] values(ModelSchema schema, double[] out, int offset) {
        int outputs = schema.outputs();
        return switch (schema.kind()) {
            case CLASSES -> {
                Object[] v = new Object[1 + outputs];
                v[0] = schema.classes().get(Prediction.mostProbable(out, offset, outputs));
                for (int k = 0; k < outputs; k++) {
                    v[1 + k] = (float) out[offset + k];
                }
                yield v;
            }
            case BINARY -> new Object[] {schema.classes().get(out[offset] >= Prediction.THRESHOLD ? 1 : 0), (float) out[offset]};
            case MULTILABEL -> {
                Object[] v = new Object[2 * outputs];
                for (int k = 0; k < outputs; k++) {
                    v[k] = out[offset + k] >= Prediction.THRESHOLD ? 1 : 0;
                    v[outputs + k] = (float) out[offset + k];
                }
                yield v;
            }
            case REGRESSION -> {
                Object[] v = new Object[outputs];
                for (int k = 0; k < outputs; k++) {
                    v[k] = (float) out[offset + k];
                }
                yield v;
            }
        };
    }

    /** The CSV header line of {@link #names}, without its line break. */
    public static String csvHeader(ModelSchema schema) {
        return String.join(",", names(schema).stream().map(PredictionColumns::csv).toList());
    }

    /** Appends one row's CSV line of {@link #values}, without its line break, to {@code line}. */
    public static void csvLine(ModelSchema schema, double[] out, int offset, StringBuilder line) {
        Object[] values = values(schema, out, offset);
        for (int i = 0; i < values.length; i++) {
            line.append(i == 0 ? "" : ",").append(values[i] instanceof String text ? csv(text) : values[i]);
        }
    }

    /** A CSV field, quoted where it holds a comma, quote or line break. */
    static String csv(String field) {
        if (field.indexOf(',') < 0 && field.indexOf('"') < 0 && field.indexOf('\n') < 0 && field.indexOf('\r') < 0) {
            return field;
        }
        return '"' + field.replace("\"", "\"\"") + '"';
    }
}
