package org.sparkprop.driver.data;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits one CSV line into fields: comma-separated; a field may be enclosed in double quotes, inside which a
 * comma is text and {@code ""} is one quote; unquoted fields are trimmed of spaces and tabs. A quoted field
 * cannot span lines.
 */
final class CsvFields {
    private CsvFields() {
    }

    static List<String> split(String line, String file, long lineNumber) {
        List<String> fields = new ArrayList<>();
        int n = line.length();
        int i = 0;
        while (true) {
            while (i < n && isBlank(line.charAt(i))) {
                i++;
            }
            if (i < n && line.charAt(i) == '"') {
                StringBuilder field = new StringBuilder();
                i++;
                while (true) {
                    if (i >= n) {
                        throw BadRow.at(file, lineNumber, "a quoted field is not closed (quoted fields cannot span lines)");
                    }
                    char c = line.charAt(i++);
                    if (c != '"') {
                        field.append(c);
                    } else if (i < n && line.charAt(i) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        break;
                    }
                }
                fields.add(field.toString());
                while (i < n && isBlank(line.charAt(i))) {
                    i++;
                }
                if (i < n && line.charAt(i) != ',') {
                    throw BadRow.at(file, lineNumber, "text after the closing quote of field " + fields.size()
                            + ": " + Fields.quote(line.substring(i)));
                }
            } else {
                int end = line.indexOf(',', i);
                int stop = end < 0 ? n : end;
                int last = stop;
                while (last > i && isBlank(line.charAt(last - 1))) {
                    last--;
                }
                fields.add(line.substring(i, last));
                i = stop;
            }
            if (i >= n) {
                return fields;
            }
            i++; // the comma
        }
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }
}
