package org.sparkprop.driver.data;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One input file, validated and packed in line order by its own task, before the schema is known:
 * features as dense (CSV) or sparse (LibSVM) rows; targets as the file's own class ids (one column, ids into
 * {@link #classNames}), as values (regression, multi-label CSV), as sparse 0/1 rows (multi-label LibSVM), or
 * null when labels were not read. Stays on the executor that parsed it; only its {@link FileSummary} travels.
 */
final class ParsedFile {
    final FileSummary summary;
    final PackedRows features;
    final PackedRows targets;
    /**
     * The file's class labels by local id, or null when labels are not classes or the targets hold class indices
     * already (a DataFrame's label column).
     */
    final List<String> classNames;
    /** One sample weight per row, or null when the input has none. */
    final float[] weights;

    ParsedFile(FileSummary summary, PackedRows features, PackedRows targets, List<String> classNames) {
        this(summary, features, targets, classNames, null);
    }

    ParsedFile(FileSummary summary, PackedRows features, PackedRows targets, List<String> classNames, float[] weights) {
        if (weights != null && features != null && weights.length != features.rows) {
            throw new IllegalArgumentException(weights.length + " weights for " + features.rows + " rows");
        }
        this.summary = summary;
        this.features = features;
        this.targets = targets;
        this.classNames = classNames == null ? null : List.copyOf(classNames);
        this.weights = weights;
    }

    /** A file refused with {@code message} (see {@link FileSummary#refusal}): no rows, nothing packed. */
    static ParsedFile refused(int file, String path, String message) {
        return new ParsedFile(FileSummary.refused(file, path, message), null, null, null);
    }

    FileSummary summary() {
        return summary;
    }

    int rows() {
        return features.rows;
    }

    /** Local class id → index in {@code classes} (the schema's classes, which hold every local label); null when not classes. */
    int[] classRemap(List<String> classes) {
        if (classNames == null) {
            return null;
        }
        Map<String, Integer> index = new HashMap<>();
        for (int c = 0; c < classes.size(); c++) {
            index.put(classes.get(c), c);
        }
        int[] remap = new int[classNames.size()];
        for (int local = 0; local < remap.length; local++) {
            Integer global = index.get(classNames.get(local));
            if (global == null) {
                throw new IllegalStateException("class " + classNames.get(local) + " is missing from the schema's " + classes);
            }
            remap[local] = global;
        }
        return remap;
    }

    /**
     * Writes row {@code r} into zeroed regions: its features at {@code features[featureOffset ..]} (the file's
     * columns; wider regions stay zero-padded) and, when labels were read, its targets at
     * {@code targets[targetOffset ..]}: the class index through {@code classRemap}, or the target values.
     */
    void copyRow(int r, int[] classRemap, float[] features, int featureOffset, float[] targets, int targetOffset) {
        this.features.copyRow(r, features, featureOffset);
        copyTargets(r, classRemap, targets, targetOffset);
    }

    /** Writes row {@code r}'s targets, as {@link #copyRow} does, and nothing when labels were not read. */
    void copyTargets(int r, int[] classRemap, float[] targets, int targetOffset) {
        if (this.targets == null) {
            return;
        }
        if (classRemap != null) {
            targets[targetOffset] = classRemap[(int) this.targets.first(r)];
        } else {
            this.targets.copyRow(r, targets, targetOffset);
        }
    }
}
