package dev.tern.app.log;

import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * A logger that copies each call its delegate would write into a {@link RecentLog}, then passes the call on
 * unchanged. Levels are the delegate's: what reaches the ring is exactly what reaches standard error.
 */
final class RecordingLogger extends LegacyAbstractLogger {
    private final transient Logger delegate;
    private final transient RecentLog log;
    private final transient Clock clock;

    RecordingLogger(Logger delegate, RecentLog log, Clock clock) {
        this.name = delegate.getName();
        this.delegate = delegate;
        this.log = log;
        this.clock = clock;
    }

    @Override
    public boolean isTraceEnabled() {
        return delegate.isTraceEnabled();
    }

    @Override
    public boolean isDebugEnabled() {
        return delegate.isDebugEnabled();
    }

    @Override
    public boolean isInfoEnabled() {
        return delegate.isInfoEnabled();
    }

    @Override
    public boolean isWarnEnabled() {
        return delegate.isWarnEnabled();
    }

    @Override
    public boolean isErrorEnabled() {
        return delegate.isErrorEnabled();
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null; // no caller lookup: slf4j-simple prints none
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                                               Throwable throwable) {
        String formatted = MessageFormatter.basicArrayFormat(pattern, arguments);
        String text = formatted == null ? "" : formatted;
        log.add(clock.instant(), level, name, Thread.currentThread().getName(), text, throwable);
        // Formatted once, here: with no arguments the delegate prints the text as it is, "{}" included.
        switch (level) {
            case ERROR -> delegate.error(marker, text, throwable);
            case WARN -> delegate.warn(marker, text, throwable);
            case INFO -> delegate.info(marker, text, throwable);
            case DEBUG -> delegate.debug(marker, text, throwable);
            case TRACE -> delegate.trace(marker, text, throwable);
        }
    }
}
