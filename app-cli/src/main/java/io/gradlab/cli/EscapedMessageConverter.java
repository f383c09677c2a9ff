package io.gradlab.cli;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.gradlab.engine.io.Messages;

/**
 * The log message with control characters escaped ({@code %safemsg} in {@code logback.xml}): a log
 * line that quotes input (a file name, a plugin's message) cannot move the cursor or clear the screen.
 */
public final class EscapedMessageConverter extends ClassicConverter {
    @Override
    public String convert(ILoggingEvent event) {
        return Messages.escape(event.getFormattedMessage());
    }
}
