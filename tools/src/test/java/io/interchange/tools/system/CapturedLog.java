package io.interchange.tools.system;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.read.ListAppender;

/**
 * Every line the switch logs while a test runs, INFO and up, kept in memory for the test to look for what must not be
 * there: a failure, or a card number in clear (logs mask card numbers to first six and last four, DESIGN.md §7). The
 * console is detached meanwhile, so the INFO lines (link ups and downs, closes) do not flood the build's output.
 * Closing puts the levels and the console back.
 */
final class CapturedLog implements AutoCloseable
{
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final Logger root = (Logger)LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    // Set too, as a command run earlier in this JVM (the demo's) may have quietened the switch's loggers.
    private final Logger switchLoggers = (Logger)LoggerFactory.getLogger("io.interchange");
    private final Level rootLevel;
    private final Level switchLevel;
    private final Appender<ILoggingEvent> console;

    CapturedLog()
    {
        rootLevel = root.getLevel();
        switchLevel = switchLoggers.getLevel();
        console = root.getAppender("STDERR");
        lines.start();
        if (console != null)
        {
            root.detachAppender(console);
        }
        root.setLevel(Level.INFO);
        switchLoggers.setLevel(Level.INFO);
        root.addAppender(lines);
    }

    /** Lines caught so far. */
    int size()
    {
        synchronized (lines)
        {
            return lines.list.size();
        }
    }

    /** Whether a line caught so far contains {@code text}. */
    boolean contains(final String text)
    {
        synchronized (lines)
        {
            return lines.list.stream().anyMatch(event -> event.getFormattedMessage().contains(text));
        }
    }

    /** The lines caught so far that contain every one of {@code texts}. */
    List<String> matching(final String... texts)
    {
        synchronized (lines)
        {
            return lines.list.stream().map(ILoggingEvent::getFormattedMessage).filter(line -> Arrays.stream(texts).allMatch(line::contains)).toList();
        }
    }

    /**
     * The lines at ERROR, those that say something failed, and those that hold one of the card numbers in clear: in
     * the message, or in the text of the exception logged with it.
     */
    List<String> failuresAndCardNumbers(final ClearPans pans)
    {
        final List<String> found = new ArrayList<>();
        synchronized (lines)
        {
            for (final ILoggingEvent event : lines.list)
            {
                final IThrowableProxy thrown = event.getThrowableProxy();
                final String message = event.getFormattedMessage() + (thrown == null ? "" : " " + ThrowableProxyUtil.asString(thrown));
                if (event.getLevel().isGreaterOrEqual(Level.ERROR) || message.contains(" failed") || pans.in(message))
                {
                    found.add(event.getLevel() + " " + event.getLoggerName() + ": " + message);
                }
            }
        }
        return found;
    }

    @Override
    public void close()
    {
        root.detachAppender(lines);
        root.setLevel(rootLevel);
        switchLoggers.setLevel(switchLevel);
        if (console != null)
        {
            root.addAppender(console);
        }
    }
}
