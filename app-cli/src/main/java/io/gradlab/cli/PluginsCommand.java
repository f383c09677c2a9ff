package io.gradlab.cli;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.ComponentKind;
import io.gradlab.engine.registry.ComponentRegistry;
import io.gradlab.engine.registry.RegisteredComponent;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gradlab plugins}: every installed component with its source, version and parameters. */
@Command(name = "plugins",
        description = "List every installed component (built-in, classpath plugins and plugin jars) with its parameters.")
final class PluginsCommand implements Callable<Integer> {
    private final Host host;

    @Option(names = "--json", description = "Print JSON: {components: [...], problems: [...]}.")
    boolean json;

    @Option(names = "--kind", paramLabel = "KIND", converter = KindConverter.class, completionCandidates = KindConverter.Labels.class,
            description = "Only components of this kind: ${COMPLETION-CANDIDATES}.")
    ComponentKind kind;

    PluginsCommand(Host host) {
        this.host = requireNonNull(host, "host is null");
    }

    @Override
    public Integer call() {
        ComponentRegistry registry = host.registry();
        List<RegisteredComponent> components = kind == null ? registry.components() : registry.components(kind);
        Console console = host.console();
        if (json) {
            console.out().print(PluginJson.render(components, registry.problems()));
        } else {
            PluginListing.print(components, registry.problems().size(), console.out());
        }
        console.out().flush();
        return 0;
    }
}
