package org.sparkprop.driver.data;

import java.util.List;

/** Parsing of single fields (numbers, indices); a bad field is a {@link BadRow} naming the file, the line and the field. */
final class Fields {
    /** Longest field text quoted in full in a message. */
    private static final int QUOTE_LIMIT = 40;
    /** Most items a message lists before "…". */
    private static final int LIST_LIMIT = 20;

    private Fields() {
    }

    /**
     * True when {@code text} is a decimal number: an optional sign, digits with at most one decimal point (at
     * least one digit), an optional exponent. Stricter than {@link Float#parseFloat}, which also takes "NaN",
     * "Infinity", hexadecimal and a trailing "f" or "d".
     */
    static boolean isDecimal(String text) {
        int n = text.length();
        int i = 0;
        if (i < n && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
            i++;
        }
        int digits = 0;
        while (i < n && isDigit(text.charAt(i))) {
            i++;
            digits++;
        }
        if (i < n && text.charAt(i) == '.') {
            i++;
            while (i < n && isDigit(text.charAt(i))) {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            return false;
        }
        if (i < n && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
            i++;
            if (i < n && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
                i++;
            }
            int exponentDigits = 0;
            while (i < n && isDigit(text.charAt(i))) {
                i++;
                exponentDigits++;
            }
            if (exponentDigits == 0) {
                return false;
            }
        }
        return i == n;
    }

    /**
     * The finite float {@code text} denotes; otherwise a user error at {@code file:line} naming {@code what}
     * ("feature 'petal_width'", "label"): empty, not a number, not finite, or beyond float range.
     */
    static float parseFinite(String text, String what, String file, long line) {
        if (!isDecimal(text)) {
            if (text.isEmpty()) {
                throw BadRow.at(file, line, what + " is empty; missing values are not supported");
            }
            if (isNonFiniteWord(text)) {
                throw BadRow.at(file, line, what + " is not finite: " + quote(text));
            }
            throw BadRow.at(file, line, what + " is not a number: " + quote(text));
        }
        float value = Float.parseFloat(text);
        if (Float.isInfinite(value)) {
            throw BadRow.at(file, line, what + " is too large for a float: " + quote(text));
        }
        return value;
    }

    /**
     * The non-negative int in {@code text[from, to)} (digits only), or -1 when it is not one or overflows.
     */
    static int parseIndex(String text, int from, int to) {
        if (from >= to) {
            return -1;
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (!isDigit(c)) {
                return -1;
            }
            value = value * 10 + (c - '0');
            if (value > Integer.MAX_VALUE) {
                return -1;
            }
        }
        return (int) value;
    }

    /** {@code text} in single quotes, shortened when long. */
    static String quote(String text) {
        return "'" + (text.length() <= QUOTE_LIMIT ? text : text.substring(0, QUOTE_LIMIT) + "…") + "'";
    }

    /** Items joined by ", ", shortened with "…" after the first few. */
    static String list(List<String> items) {
        if (items.size() <= LIST_LIMIT) {
            return String.join(", ", items);
        }
        return String.join(", ", items.subList(0, LIST_LIMIT)) + ", … (" + items.size() + " in all)";
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isNonFiniteWord(String text) {
        String word = text.startsWith("+") || text.startsWith("-") ? text.substring(1) : text;
        return word.equalsIgnoreCase("nan") || word.equalsIgnoreCase("inf") || word.equalsIgnoreCase("infinity");
    }
}
