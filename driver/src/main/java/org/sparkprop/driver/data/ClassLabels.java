package org.sparkprop.driver.data;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** The order of class labels and the limit on their number. */
final class ClassLabels {
    /** Most distinct labels a classification input may have; more suggest a regression target. */
    static final int MAX_CLASSES = 10_000;

    private ClassLabels() {
    }

    /**
     * Distinct labels in class-index order: numerically when every label is a decimal number (ties, such as
     * "1" and "1.0", broken by their text), else lexicographically by their text.
     */
    static List<String> sorted(Collection<String> labels) {
        List<String> sorted = new ArrayList<>(labels);
        boolean numeric = sorted.stream().allMatch(Fields::isDecimal);
        Comparator<String> byText = Comparator.naturalOrder();
        sorted.sort(numeric ? Comparator.comparingDouble(Double::parseDouble).thenComparing(byText) : byText);
        return sorted;
    }

    /** The problem with more than {@link #MAX_CLASSES} distinct labels. */
    static String tooMany() {
        return "more than " + MAX_CLASSES + " distinct labels, too many for classification"
                + " (for a numeric target use --loss mse)";
    }
}
