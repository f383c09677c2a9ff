package io.gradlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Provides;
import com.google.inject.ProvisionException;
import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ErrorsTest {
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void aUserErrorInsideAGuiceProvisionIsUnwrapped() {
        ProvisionException wrapped = provisionFailure(new GradlabException(Category.PLUGIN, "plugin x is broken: remove x.jar"));

        assertThat(Errors.unwrap(wrapped)).isInstanceOf(GradlabException.class).hasMessage("plugin x is broken: remove x.jar");
        assertThat(Errors.report(wrapped, console(false))).isEqualTo(5);
        assertThat(text()).isEqualTo("gradlab: plugin x is broken: remove x.jar" + System.lineSeparator());
    }

    @Test
    void anyOtherExceptionIsAnInternalErrorWithExitCode70() {
        int code = Errors.report(new IllegalStateException("boom"), console(false));

        assertThat(code).isEqualTo(70);
        assertThat(text()).startsWith("gradlab: internal error: boom").contains("run with --verbose for the stack trace")
                .doesNotContain("\tat ");
    }

    @Test
    void verboseInternalErrorsCarryTheStackTrace() {
        Errors.report(new IllegalStateException("boom"), console(true));

        assertThat(text()).startsWith("gradlab: internal error: boom").contains("\tat io.gradlab.cli.ErrorsTest")
                .doesNotContain("run with --verbose");
    }

    @Test
    void aGuiceFailureWithoutAUserErrorStaysInternal() {
        ProvisionException wrapped = provisionFailure(new NullPointerException("a bug"));

        assertThat(Errors.unwrap(wrapped)).isSameAs(wrapped);
        assertThat(Errors.report(wrapped, console(false))).isEqualTo(70);
    }

    private Console console(boolean verbose) {
        PrintStream stream = new PrintStream(err, true, StandardCharsets.UTF_8);
        return new Console(stream, stream, false, verbose);
    }

    private String text() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private static ProvisionException provisionFailure(RuntimeException cause) {
        try {
            Guice.createInjector(new AbstractModule() {
                @Provides
                String value() {
                    throw cause;
                }
            }).getInstance(String.class);
        } catch (ProvisionException e) {
            return e;
        }
        throw new AssertionError("the provider did not fail");
    }
}
