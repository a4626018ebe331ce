package org.sparkprop.driver.data;

import java.io.IOException;
import java.io.Writer;

/**
 * A built-in split written as LibSVM text, so that a program outside sparkprop (bench's numpy peer) trains on the
 * very rows sparkprop does: one line per row in row order, {@code label index:value ...} with 1-based indices and
 * zeros left out. The label is the class index (0 to k − 1, as sparkprop numbers the classes) or the regression
 * value; each value is the float's shortest decimal form, so a reader that parses it as a double and rounds to float
 * gets the same float back.
 */
public final class BuiltinExport {
    private BuiltinExport() {
    }

    /**
     * Writes {@code path} ({@code builtin:NAME} or {@code builtin:NAME:test}) to {@code out} (Modified: written to,
     * not closed); returns the rows written.
     */
    public static int writeLibSvm(String path, Writer out) throws IOException {
        if (!BuiltinData.isBuiltin(path)) {
            throw new IllegalArgumentException("not a built-in data set: " + path);
        }
        String rest = path.substring(BuiltinData.PREFIX.length());
        boolean test = rest.endsWith(":test");
        String name = test ? rest.substring(0, rest.length() - ":test".length()) : rest;
        Builtin set = null;
        for (Builtin b : Builtin.values()) {
            if (b.id.equals(name)) {
                set = b;
            }
        }
        if (set == null) {
            throw new IllegalArgumentException("unknown built-in data set " + path + "; built-in: " + BuiltinData.names());
        }
        boolean classes = !set.kinds.contains(LabelKind.REGRESSION);
        int rows = set.rows(test);
        StringBuilder line = new StringBuilder();
        float[] features = set.generatedSparse() ? null : new float[set.numFeatures];
        IntList index = new IntList();
        FloatList values = new FloatList();
        for (int r = 0; r < rows; r++) {
            float target;
            index.truncate(0);
            values.truncate(0);
            if (features == null) {
                target = set.sparseRow(test, r, index, values);
            } else {
                target = set.row(test, r, features, 0);
                for (int i = 0; i < features.length; i++) {
                    if (features[i] != 0) {
                        index.add(i);
                        values.add(features[i]);
                    }
                }
            }
            line.setLength(0);
            line.append(classes ? Integer.toString((int) target) : Float.toString(target));
            for (int k = 0; k < index.size(); k++) {
                line.append(' ').append(index.get(k) + 1).append(':').append(values.get(k));
            }
            out.write(line.append('\n').toString());
        }
        return rows;
    }
}
