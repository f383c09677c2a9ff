package io.gradlab.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * The log levels of one invocation. {@code logback.xml} is quiet (WARN and above, to stderr);
 * {@code --verbose} lowers the root logger to DEBUG. Libraries that log through
 * {@code java.util.logging} (netlib's BLAS loader, JLine under the progress bar) are silenced below
 * SEVERE unless verbose. {@link #close()} restores the previous levels, so that in-process runs (tests)
 * do not leak settings into each other.
 */
final class Logging implements AutoCloseable {
    private static final List<String> JUL_LOGGERS = List.of("dev.ludovic.netlib", "org.jline");

    private final List<Runnable> restore = new ArrayList<>();
    /** Held so that the JUL loggers (weakly referenced by their manager) keep their levels. */
    private final List<java.util.logging.Logger> julLoggers = new ArrayList<>();

    private Logging() {}

    static Logging configure(boolean verbose) {
        Logging logging = new Logging();
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            if (verbose) {
                for (Logger logger : context.getLoggerList()) {
                    Level previous = logger.getLevel();
                    if (previous != null) {
                        Level target = logger.getName().equals(org.slf4j.Logger.ROOT_LOGGER_NAME) ? Level.DEBUG : null;
                        logger.setLevel(target);
                        logging.restore.add(() -> logger.setLevel(previous));
                    }
                }
            }
        }
        for (String name : JUL_LOGGERS) {
            java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
            java.util.logging.Level previous = logger.getLevel();
            logger.setLevel(verbose ? java.util.logging.Level.FINE : java.util.logging.Level.SEVERE);
            logging.julLoggers.add(logger);
            logging.restore.add(() -> logger.setLevel(previous));
        }
        return logging;
    }

    @Override
    public void close() {
        for (int i = restore.size() - 1; i >= 0; i--) {
            restore.get(i).run();
        }
        restore.clear();
        julLoggers.clear();
    }
}
