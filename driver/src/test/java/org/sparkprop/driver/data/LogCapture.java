package org.sparkprop.driver.data;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/** The messages logged at WARN or above on the "org.sparkprop" logger while it is open. */
public final class LogCapture implements AutoCloseable {
    private static final String NAME = "sparkprop-test-capture";
    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final LoggerContext context = (LoggerContext) LogManager.getContext(false);
    private final LoggerConfig logger = context.getConfiguration().getLoggerConfig("org.sparkprop");
    private final AbstractAppender appender = new AbstractAppender(NAME, null, null, true, Property.EMPTY_ARRAY) {
        @Override
        public void append(LogEvent event) {
            messages.add(event.getMessage().getFormattedMessage());
        }
    };

    public LogCapture() {
        appender.start();
        logger.addAppender(appender, Level.WARN, null);
        context.updateLoggers();
    }

    public List<String> messages() {
        return List.copyOf(messages);
    }

    @Override
    public void close() {
        logger.removeAppender(NAME);
        context.updateLoggers();
        appender.stop();
    }
}
