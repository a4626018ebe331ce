package org.sparkprop.driver.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** A built-in split written as LibSVM reads back to the very floats and labels the tasks generate. */
class BuiltinExportTest {
    @Test
    void everyRowReadsBackToTheGeneratedFloats() throws IOException {
        for (String path : new String[] {"builtin:digits:test", "builtin:iris", "builtin:text:test"}) {
            Builtin set = path.contains("digits") ? Builtin.DIGITS : path.contains("text") ? Builtin.TEXT : Builtin.IRIS;
            boolean test = path.endsWith(":test");
            StringWriter out = new StringWriter();
            int rows = BuiltinExport.writeLibSvm(path, out);
            String[] lines = out.toString().split("\n");
            assertEquals(set.rows(test), rows, path);
            assertEquals(rows, lines.length, path);
            float[] expected = new float[set.numFeatures];
            int checked = path.contains("text") ? 300 : rows;
            for (int r = 0; r < checked; r++) {
                // not cleared between rows: row() writes every feature, zeros included
                float label = set.row(test, r, expected, 0);
                float[] read = new float[set.numFeatures];
                String[] fields = lines[r].split(" ");
                assertEquals((int) label, Integer.parseInt(fields[0]), path + " row " + r);
                for (int f = 1; f < fields.length; f++) {
                    int colon = fields[f].indexOf(':');
                    // as numpy_mlp.py reads it: a double, then rounded to float
                    read[Integer.parseInt(fields[f].substring(0, colon)) - 1] = (float) Double.parseDouble(fields[f].substring(colon + 1));
                }
                for (int i = 0; i < expected.length; i++) {
                    assertEquals(Float.floatToIntBits(expected[i] == 0 ? 0f : expected[i]), Float.floatToIntBits(read[i]),
                            path + " row " + r + " feature " + (i + 1));
                }
            }
        }
    }
}
