package io.gradlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LoggingTest {
    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    @Test
    void theDefaultConfigurationIsQuiet() {
        assertThat(root().getLevel()).isEqualTo(Level.WARN);
        assertThat(((Logger) LoggerFactory.getLogger("io.gradlab.engine.registry.PluginHost")).getLevel()).isEqualTo(Level.ERROR);
    }

    @Test
    void verboseLowersTheRootLevelToDebugAndRestoresItAfterwards() {
        Logging logging = Logging.configure(true);
        try {
            assertThat(root().getLevel()).isEqualTo(Level.DEBUG);
            assertThat(LoggerFactory.getLogger("io.gradlab.engine.registry.PluginHost").isDebugEnabled()).isTrue();
            assertThat(java.util.logging.Logger.getLogger("dev.ludovic.netlib").getLevel()).isEqualTo(java.util.logging.Level.FINE);
        } finally {
            logging.close();
        }
        assertThat(root().getLevel()).isEqualTo(Level.WARN);
        assertThat(LoggerFactory.getLogger("io.gradlab.engine.registry.PluginHost").isWarnEnabled()).isFalse();
    }

    @Test
    void librariesLoggingThroughJavaUtilLoggingAreSilencedUnlessVerbose() {
        Logging logging = Logging.configure(false);
        try {
            assertThat(java.util.logging.Logger.getLogger("dev.ludovic.netlib").isLoggable(java.util.logging.Level.WARNING)).isFalse();
            assertThat(java.util.logging.Logger.getLogger("org.jline").isLoggable(java.util.logging.Level.WARNING)).isFalse();
        } finally {
            logging.close();
        }
    }
}
