package dev.tern.app.log;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.simple.SimpleServiceProvider;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The SLF4J provider of the server: slf4j-simple's, with each logger wrapped in a {@link RecordingLogger} that
 * copies its records into {@link RecentLog#process()}. It is not listed in {@code META-INF/services} (that would
 * make two providers, and SLF4J would pick one by class-path order and warn); {@link #select()} names it in the
 * {@code slf4j.provider} system property, which SLF4J reads when the first logger is made.
 */
public final class RecentLogProvider implements SLF4JServiceProvider {
    /** The system property by which SLF4J 2.0.9 and later take an explicit provider. */
    public static final String PROPERTY = "slf4j.provider";
    private static final String VERBOSITY = "slf4j.internal.verbosity";

    private final SimpleServiceProvider simple = new SimpleServiceProvider();
    private final RecentLog log;
    private final Clock clock;
    private ILoggerFactory factory;

    /** For SLF4J, which makes the provider from its class name: records into the process's ring. */
    public RecentLogProvider() {
        this(RecentLog.process(), Clock.systemUTC());
    }

    RecentLogProvider(RecentLog log, Clock clock) {
        this.log = log;
        this.clock = clock;
    }

    /**
     * Makes this the provider, unless one is named already. Call before the first logger is made (first thing in
     * {@code main}); later it changes nothing, and the recent log stays empty.
     */
    public static void select() {
        if (System.getProperty(PROPERTY) != null) return;
        System.setProperty(PROPERTY, RecentLogProvider.class.getName());
        // SLF4J reports an explicit provider at INFO on standard error, which every tern command would print.
        if (System.getProperty(VERBOSITY) == null) System.setProperty(VERBOSITY, "WARN");
    }

    @Override
    public void initialize() {
        simple.initialize();
        ILoggerFactory inner = simple.getLoggerFactory();
        ConcurrentMap<String, Logger> loggers = new ConcurrentHashMap<>();
        factory = name -> loggers.computeIfAbsent(name, n -> new RecordingLogger(inner.getLogger(n), log, clock));
        log.startRecording();
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return factory;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return simple.getMarkerFactory();
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return simple.getMDCAdapter();
    }

    @Override
    public String getRequestedApiVersion() {
        return simple.getRequestedApiVersion();
    }
}
