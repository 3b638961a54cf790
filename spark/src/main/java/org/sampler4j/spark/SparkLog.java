package org.sampler4j.spark;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The driver's SLF4J provider with {@code --spark} ({@code bin/sampler4j} selects it with
 * {@code -Dslf4j.provider=org.sampler4j.spark.SparkLog}): as quiet as the host's {@code slf4j-nop}, but it keeps Spark's
 * last warnings and errors, and the cluster's executor reports, in memory, so that a failure on a cluster can say why
 * (an executor that could not start, the master that removed the application) in the command's one error line. Under
 * {@code spark-submit} the distribution's log4j binding is used instead and Spark logs as usual.
 */
public final class SparkLog implements SLF4JServiceProvider {
    /** Lines kept. */
    static final int KEEP = 40;
    private static final Deque<String> LINES = new ArrayDeque<>();
    /** Executor launches that failed in a row before the driver gives up (Spark's own spark.deploy.maxExecutorRetries). */
    static final int FAILED_IN_A_ROW = 10;
    private static volatile Consumer<String> waiting;
    private static int failedInARow;
    private static String lastFailure;

    private final Map<String, Logger> loggers = new ConcurrentHashMap<>();
    private final ILoggerFactory factory = name -> loggers.computeIfAbsent(name, Capture::new);
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();

    /** The kept lines, oldest first ({@code LEVEL logger: message}). */
    static synchronized List<String> lines() {
        return new ArrayList<>(LINES);
    }

    /** Forgets the kept lines (a new session). */
    static synchronized void clear() {
        LINES.clear();
        failedInARow = 0;
        lastFailure = null;
    }

    /**
     * The last executor report when {@link #FAILED_IN_A_ROW} executors in a row ended before one registered with the
     * driver (a standalone master relaunches executors that exit right after they start for ever), else null.
     */
    static synchronized String executorsFailing() {
        return failedInARow >= FAILED_IN_A_ROW ? lastFailure : null;
    }

    /**
     * Where Spark's "not accepted any resources" warnings go while a job waits for executors (the progress line's
     * consumer), or null.
     */
    static void onWaiting(Consumer<String> c) {
        waiting = c;
    }

    private static synchronized void keep(String line) {
        if (LINES.size() == KEEP) LINES.removeFirst();
        LINES.addLast(line);
        if (line.contains("Registered executor")) {
            failedInARow = 0;
        } else if (line.contains("Executor updated: ") && (line.contains(" is now FAILED") || line.contains(" is now EXITED"))) {
            failedInARow++;
            lastFailure = line.substring(line.indexOf("Executor updated: ") + "Executor updated: ".length());
        }
    }

    /** Spark's warnings and errors, and the cluster's reports on executors and the application at INFO. */
    static boolean kept(String logger, Level level) {
        if (!logger.startsWith("org.apache.spark")) return false;
        if (level.toInt() >= Level.WARN.toInt()) return true;
        return level == Level.INFO && (logger.startsWith("org.apache.spark.deploy.client") || logger.startsWith("org.apache.spark.scheduler.cluster"));
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return factory;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        // nothing to set up
    }

    private static final class Capture extends LegacyAbstractLogger {
        private static final long serialVersionUID = 1L;
        private final boolean info;
        private final boolean warn;

        Capture(String name) {
            this.name = name;
            this.info = kept(name, Level.INFO);
            this.warn = kept(name, Level.WARN);
        }

        @Override
        public boolean isTraceEnabled() {
            return false;
        }

        @Override
        public boolean isDebugEnabled() {
            return false;
        }

        @Override
        public boolean isInfoEnabled() {
            return info;
        }

        @Override
        public boolean isWarnEnabled() {
            return warn;
        }

        @Override
        public boolean isErrorEnabled() {
            return warn;
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args, Throwable t) {
            if (!kept(name, level)) return;
            String msg = MessageFormatter.basicArrayFormat(pattern, args);
            if (t != null) msg += ": " + t;
            keep(level + " " + name.substring(name.lastIndexOf('.') + 1) + ": " + msg);
            Consumer<String> w = waiting;
            if (w != null && level == Level.WARN && msg.contains("not accepted any resources")) w.accept("spark: waiting for executors: " + msg);
        }
    }
}
