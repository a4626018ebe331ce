package org.sparkprop.driver.train;

/**
 * A training setting's value that is refused, alone or together with others. It carries the {@link Setting}, so
 * each interface names it the way its user wrote it: {@code --learning-rate} on the command line,
 * {@code FILE:LINE: learning-rate} in a configuration file, {@code stepSize} in Spark ML.
 */
public final class InvalidSettingException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final transient Setting<?> setting;
    private final String problem;

    /**
     * @param setting the setting to name
     * @param problem what is wrong, without the setting's name: "must be a finite number &gt; 0, got -1.0"
     */
    public InvalidSettingException(Setting<?> setting, String problem) {
        super(setting.name() + " " + problem);
        this.setting = setting;
        this.problem = problem;
    }

    /** The setting to name. */
    public Setting<?> setting() {
        return setting;
    }

    /** What is wrong, without the setting's name. */
    public String problem() {
        return problem;
    }
}
