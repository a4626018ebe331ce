package org.sparkprop.driver.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Field-level parsing without Spark. */
class FieldsTest {

    @Test
    void decimalsAreStrict() {
        for (String number : List.of("0", "-1", "+2.5", ".5", "5.", "1e3", "1E-3", "-0.25e+2")) {
            assertTrue(Fields.isDecimal(number), number);
        }
        for (String text : List.of("", "-", ".", "e3", "1e", "1f", "1d", "0x10", "NaN", "Infinity", "1 2", "1,5", "--1")) {
            assertFalse(Fields.isDecimal(text), text);
        }
        assertEquals(-25f, Fields.parseFinite("-0.25e+2", "x", "f", 1));
    }

    @Test
    void indicesAreNonNegativeIntsWithoutSigns() {
        assertEquals(784, Fields.parseIndex("784:1", 0, 3));
        assertEquals(-1, Fields.parseIndex("+1", 0, 2));
        assertEquals(-1, Fields.parseIndex("", 0, 0));
        assertEquals(-1, Fields.parseIndex("99999999999", 0, 11));
    }

    @Test
    void classLabelsSortNumericallyWhenAllAreNumbers() {
        assertEquals(List.of("-1", "+1"), ClassLabels.sorted(List.of("+1", "-1")));
        assertEquals(List.of("1", "1.0", "2", "10"), ClassLabels.sorted(List.of("10", "2", "1.0", "1")));
        assertEquals(List.of("10", "2", "b"), ClassLabels.sorted(List.of("b", "2", "10")));
    }

    @Test
    void csvFieldsKeepQuotedTextAndEmptyFields() {
        assertEquals(List.of("a", "", "b c", "x,\"y\""), CsvFields.split(" a ,, b c ,\"x,\"\"y\"\"\"", "f", 1));
        assertEquals(List.of("1", ""), CsvFields.split("1,", "f", 1));
        assertEquals(List.of(" padded "), CsvFields.split("\" padded \"", "f", 1));
    }

    @Test
    void longTextIsShortenedInMessages() {
        assertEquals("'" + "x".repeat(40) + "…'", Fields.quote("x".repeat(100)));
    }
}
