package io.gradlab.cli;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.ComponentKind;
import io.gradlab.api.GradlabException;
import io.gradlab.engine.registry.PluginLock;
import java.nio.file.Path;
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
    ComponentKind<?> kind;

    @Option(names = "--lock", description = {"Write plugins.lock in the plugins folder: the SHA-256 of every jar in it. From then on",
            "a jar that is not listed with its hash is not loaded. Run it again after adding or updating a jar."})
    boolean lock;

    PluginsCommand(Host host) {
        this.host = requireNonNull(host, "host is null");
    }

    @Override
    public Integer call() {
        if (lock) {
            return writeLock();
        }
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

    private int writeLock() {
        Path dir = host.options().pluginsDir();
        if (dir == null) {
            throw new GradlabException(GradlabException.Category.USAGE,
                    "no plugins folder to lock: give --plugins-dir DIR or set GRADLAB_HOME (its plugins folder is used)");
        }
        PluginLock written = PluginLock.write(dir);
        Console console = host.console();
        written.hashes().forEach((name, hash) -> console.out().println(hash + "  " + name));
        console.out().println("wrote " + written.file() + ": " + written.hashes().size() + " jar(s); other or changed jars will not load");
        console.out().flush();
        return 0;
    }
}
