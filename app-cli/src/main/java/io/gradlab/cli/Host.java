package io.gradlab.cli;

import static java.util.Objects.requireNonNull;

import com.google.inject.ConfigurationException;
import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.ProvisionException;
import io.gradlab.engine.GradlabModule;
import io.gradlab.engine.registry.ComponentRegistry;
import java.io.PrintStream;

/**
 * What one {@code gradlab} invocation shares between its commands: the console and the Guice injector.
 * The injector is created on first use, after the command line is parsed, from the global options
 * ({@code --plugins-dir}, {@code --strict}); plugins are loaded when a command first asks for the
 * {@link ComponentRegistry} (directly, or through something that needs it such as the experiment runner).
 */
public final class Host {
    private final PrintStream out;
    private final PrintStream err;
    private final boolean interactive;
    private final GlobalOptions options;
    private final Watchdog watchdog = new Watchdog();
    private Injector injector;

    public Host(PrintStream out, PrintStream err, boolean interactive, GlobalOptions options) {
        this.out = requireNonNull(out, "out is null");
        this.err = requireNonNull(err, "err is null");
        this.interactive = interactive;
        this.options = requireNonNull(options, "options is null");
    }

    /** The per-step watchdog of this invocation (see {@link Watchdog}). */
    Watchdog watchdog() {
        return watchdog;
    }

    public GlobalOptions options() {
        return options;
    }

    public Console console() {
        return new Console(out, err, interactive, options.verbose());
    }

    /** The injector of the engine ({@link GradlabModule}) and the command line ({@link CliModule}). */
    public Injector injector() {
        if (injector == null) {
            try {
                injector = Guice.createInjector(new GradlabModule(options.hostConfig()), new CliModule(console()));
            } catch (CreationException e) {
                throw Errors.unwrap(e);
            }
        }
        return injector;
    }

    /**
     * An instance from the injector; Guice's wrapping exceptions are unwrapped, so that a
     * {@link io.gradlab.api.GradlabException} thrown while providing it (a strict-mode plugin failure, a
     * missing plugins folder) reaches the user as itself.
     */
    public <T> T get(Class<T> type) {
        requireNonNull(type, "type is null");
        try {
            return injector().getInstance(type);
        } catch (ProvisionException | ConfigurationException e) {
            throw Errors.unwrap(e);
        }
    }

    /** The component registry (loads the plugins on first use, printing their problems as warnings). */
    public ComponentRegistry registry() {
        return get(ComponentRegistry.class);
    }
}
