package io.gradlab.cli;

import static java.util.Objects.requireNonNull;

import com.google.inject.AbstractModule;
import com.google.inject.Binding;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.matcher.Matcher;
import com.google.inject.spi.ProvisionListener;
import io.gradlab.api.tensor.Ops;
import io.gradlab.engine.kernel.BlasOps;
import io.gradlab.engine.registry.ComponentRegistry;
import io.gradlab.engine.registry.PluginProblem;

/**
 * The command line's bindings on top of the engine's: the {@link Console}, the BLAS kernels, and a
 * listener that prints every plugin problem as a {@code gradlab: warning: ...} line as soon as the
 * registry has been loaded (before the command uses it).
 */
final class CliModule extends AbstractModule {
    private final Console console;

    CliModule(Console console) {
        this.console = requireNonNull(console, "console is null");
    }

    @Override
    protected void configure() {
        bind(Console.class).toInstance(console);
        Matcher<Binding<?>> registryBinding = binding -> binding.getKey().getTypeLiteral().getRawType() == ComponentRegistry.class;
        bindListener(registryBinding, new ProblemPrinter(console));
    }

    @Provides
    @Singleton
    Ops ops() {
        return new BlasOps();
    }

    /** Prints the problems of a freshly loaded registry (the registry is a singleton: once per run). */
    private static final class ProblemPrinter implements ProvisionListener {
        private final Console console;

        ProblemPrinter(Console console) {
            this.console = console;
        }

        @Override
        public <T> void onProvision(ProvisionInvocation<T> provision) {
            T provided = provision.provision();
            if (provided instanceof ComponentRegistry registry) {
                for (PluginProblem problem : registry.problems()) {
                    console.warn(problem.message());
                }
            }
        }
    }
}
