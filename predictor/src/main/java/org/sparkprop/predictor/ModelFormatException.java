package org.sparkprop.predictor;

/**
 * A model directory that cannot be used: a file missing, damaged, altered, too large, of another format or of a
 * newer format version. The message is one line naming the file and what is wrong with it.
 */
public class ModelFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
