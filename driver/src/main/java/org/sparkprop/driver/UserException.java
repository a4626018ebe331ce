package org.sparkprop.driver;

/**
 * A mistake of the user's (a bad flag, a missing file, a malformed row, a model that does not fit the data),
 * as opposed to a bug. Its message is one sentence that names what and where; the command line prints it
 * without a stack trace and exits with status 2.
 *
 * <p>Thrown inside Spark tasks it reaches the driver wrapped in a {@code SparkException}; {@link #find}
 * digs it out again.
 */
public class UserException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UserException(String message) {
        super(message);
    }

    public UserException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A user error about one line of one input file: "path:line: problem". */
    public static UserException atLine(String file, long line, String problem) {
        return new UserException(file + ":" + line + ": " + problem);
    }

    /**
     * The UserException in {@code t}'s cause chain, or null. A task failure that Spark could not send back
     * as an object still carries the original message; a message naming this class is recovered from it.
     */
    public static UserException find(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof UserException u) {
                return u;
            }
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            String m = c.getMessage();
            String marker = UserException.class.getName() + ": ";
            int at = m == null ? -1 : m.indexOf(marker);
            if (at >= 0) {
                String rest = m.substring(at + marker.length());
                int end = rest.indexOf('\n');
                return new UserException(end < 0 ? rest : rest.substring(0, end), t);
            }
        }
        return null;
    }
}
