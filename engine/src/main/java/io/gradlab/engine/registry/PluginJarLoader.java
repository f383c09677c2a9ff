package io.gradlab.engine.registry;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.GradlabPlugin;
import java.io.IOException;
import java.net.MalformedURLException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * Loads one plugin jar: checks that it is a readable jar, that its manifest's
 * {@value #API_VERSION_ATTRIBUTE} (when present) is compatible, and that it has a service file; then
 * runs the service loader over it in its own {@link PluginClassLoader}.
 */
final class PluginJarLoader {
    /** The manifest attribute recording the API version a plugin jar was built against. */
    static final String API_VERSION_ATTRIBUTE = "Gradlab-Api-Version";

    /** The outcome for one jar: its healthy components and the loader that must stay open for them. */
    record LoadedJar(Path jar, Optional<PluginClassLoader> loader, List<RegisteredComponent> components) {
        LoadedJar {
            requireNonNull(jar, "jar is null");
            requireNonNull(loader, "loader is null");
            components = List.copyOf(components);
        }
    }

    private final ClassLoader hostLoader;

    PluginJarLoader(ClassLoader hostLoader) {
        this.hostLoader = requireNonNull(hostLoader, "hostLoader is null");
    }

    LoadedJar load(Path jar, Problems problems) {
        String fileName = jar.getFileName().toString();
        PluginSource jarSource = new PluginSource(fileName, jar, null);
        Origin origin = new JarOrigin(jarSource, jar.getParent());
        LoadedJar nothing = new LoadedJar(jar, Optional.empty(), List.of());

        Manifest manifest;
        boolean hasServiceFile;
        try (JarFile file = new JarFile(jar.toFile())) {
            manifest = file.getManifest();
            hasServiceFile = file.getEntry(ProviderDiscovery.SERVICE_FILE) != null;
        } catch (IOException | RuntimeException e) {
            problems.critical(jarSource, "plugin jar " + fileName + " is not a readable jar (" + Failures.describe(e)
                    + "): replace it with a freshly built jar, or " + origin.removal());
            return nothing;
        }
        String declared = manifest == null ? null : manifest.getMainAttributes().getValue(API_VERSION_ATTRIBUTE);
        if (declared != null) {
            Optional<String> incompatible = ApiCompatibility.incompatibility("plugin jar " + fileName, declared.trim(),
                    "remove it from " + jar.getParent());
            if (incompatible.isPresent()) {
                problems.critical(jarSource, incompatible.get());
                return nothing;
            }
        }
        if (!hasServiceFile) {
            problems.warning(jarSource, "plugin jar " + fileName + " contributes nothing: it has no " + ProviderDiscovery.SERVICE_FILE
                    + "; add one naming its " + GradlabPlugin.class.getSimpleName() + " class, or " + origin.removal());
            return nothing;
        }

        PluginClassLoader loader;
        try {
            loader = new PluginClassLoader("gradlab-plugin:" + fileName, List.of(jar.toUri().toURL()), hostLoader);
        } catch (MalformedURLException e) {
            problems.critical(jarSource, "plugin jar " + fileName + " has a path that is not a URL (" + e.getMessage()
                    + "): move it to a plain folder");
            return nothing;
        }
        List<RegisteredComponent> components = new ArrayList<>();
        int problemsBefore = problems.all().size();
        List<ProviderDiscovery.Discovered> plugins = ProviderDiscovery.discover(loader, origin, problems);
        for (ProviderDiscovery.Discovered plugin : plugins) {
            components.addAll(FactoryCollector.collect(plugin, origin, problems));
        }
        if (plugins.isEmpty() && problems.all().size() == problemsBefore) {
            problems.warning(jarSource, "plugin jar " + fileName + " contributes nothing: its " + ProviderDiscovery.SERVICE_FILE
                    + " names no plugin class of its own (the JDK's and the host's classes are not plugins); name its "
                    + GradlabPlugin.class.getSimpleName() + " class there, or " + origin.removal());
        }
        if (components.isEmpty()) {
            close(loader);
            return nothing;
        }
        return new LoadedJar(jar, Optional.of(loader), components);
    }

    static void close(PluginClassLoader loader) {
        try {
            loader.close();
        } catch (IOException e) {
            // nothing useful to do: the jar stays open until exit
        }
    }

    /** A plugin jar in the plugins folder. */
    private record JarOrigin(PluginSource jarSource, Path dir) implements Origin {
        @Override
        public PluginSource source(String className) {
            return jarSource.withPluginClass(className);
        }

        @Override
        public String removal() {
            return "remove " + jarSource.name() + " from " + dir;
        }
    }
}
