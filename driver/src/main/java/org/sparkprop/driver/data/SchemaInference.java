package org.sparkprop.driver.data;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.sparkprop.driver.UserException;

/**
 * Merges the per-file summaries into the input's schema on the driver and checks what no single file can: that
 * CSV headers agree, that there are rows, features and, for classes, between 2 and {@value ClassLabels#MAX_CLASSES}
 * labels (exactly 2 for binary). With a known schema the files were already checked against it in their tasks and
 * it is the result.
 */
final class SchemaInference {
    private SchemaInference() {
    }

    static Schema infer(String input, ParseSettings settings, List<FileSummary> files) {
        FileSummary withHeader = settings.format == DataFormat.CSV ? checkHeaders(files) : null;
        long rows = files.stream().mapToLong(f -> f.rows).sum();
        if (rows == 0) {
            throw noRows(input, files);
        }
        if (settings.known != null) {
            return settings.known;
        }
        CsvLayout layout = withHeader == null ? null
                : CsvLayout.resolve(Arrays.asList(withHeader.header), settings, withHeader.path, withHeader.headerLine);
        int numFeatures = layout != null ? layout.featureColumns.length : libSvmFeatures(input, settings, files);
        List<String> featureNames = layout != null ? layout.featureNames : List.of();
        List<String> labelColumns = layout != null ? layout.labelNames : List.of();
        List<String> classes = settings.classLabels() ? classes(input, settings.kind, files) : List.of();
        int outputs = switch (settings.kind) {
            case CLASSES -> classes.size();
            case BINARY -> 1;
            case REGRESSION -> layout != null ? labelColumns.size() : 1;
            case MULTILABEL -> layout != null ? labelColumns.size() : multiLabelOutputs(input, files);
        };
        return new Schema(numFeatures, featureNames, labelColumns, settings.kind, classes, outputs, layout != null ? layout.weightName : null);
    }

    /** The error for an input whose {@code files} hold no rows, or only bad rows that were skipped. */
    static UserException noRows(String input, List<FileSummary> files) {
        long bad = files.stream().mapToLong(f -> f.badRows).sum();
        return new UserException("no rows in " + input + " (" + files.size() + (files.size() == 1 ? " file" : " files")
                + (bad == 0 ? ")" : "; all " + bad + " rows read were bad and skipped)"));
    }

    /** The first file with a header, after checking that every other header equals it; null when no file has lines. */
    private static FileSummary checkHeaders(List<FileSummary> files) {
        FileSummary first = null;
        for (FileSummary f : files) {
            if (f.header == null) {
                continue;
            }
            if (first == null) {
                first = f;
            } else if (!Arrays.equals(first.header, f.header)) {
                throw UserException.atLine(f.path, f.headerLine, "CSV header differs from " + first.path + "'s: expected "
                        + Fields.quote(String.join(",", first.header)) + ", found " + Fields.quote(String.join(",", f.header)));
            }
        }
        return first;
    }

    private static int libSvmFeatures(String input, ParseSettings settings, List<FileSummary> files) {
        if (settings.numFeatures != null) {
            return settings.numFeatures;
        }
        int max = files.stream().mapToInt(f -> f.maxFeatureIndex).max().orElse(0);
        if (max == 0) {
            throw new UserException("no features in " + input + ": no row has an index:value pair; give --num-features");
        }
        return max;
    }

    private static List<String> classes(String input, LabelKind kind, List<FileSummary> files) {
        Set<String> distinct = new LinkedHashSet<>();
        for (FileSummary f : files) {
            distinct.addAll(Arrays.asList(f.classNames));
            if (distinct.size() > ClassLabels.MAX_CLASSES) {
                throw new UserException(input + ": " + ClassLabels.tooMany());
            }
        }
        List<String> classes = ClassLabels.sorted(distinct);
        if (kind == LabelKind.BINARY && classes.size() != 2) {
            throw new UserException(input + ": binary labels take exactly 2 values, found " + classes.size() + ": "
                    + Fields.list(classes));
        }
        if (classes.size() < 2) {
            throw new UserException(input + ": classification needs at least 2 distinct labels, found only "
                    + Fields.quote(classes.get(0)));
        }
        return classes;
    }

    private static int multiLabelOutputs(String input, List<FileSummary> files) {
        int max = files.stream().mapToInt(f -> f.maxLabelIndex).max().orElse(-1);
        if (max < 0) {
            throw new UserException(input + ": no row has a label; multi-label LibSVM rows start with label indices, like 0,3");
        }
        return max + 1;
    }
}
