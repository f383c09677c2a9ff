package io.gradlab.engine.registry;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.GradlabPlugin;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * Loads one plugin jar: checks that it is a readable jar, that its manifest's
 * {@value #API_VERSION_ATTRIBUTE} (when present) is compatible, that it has a service file, and that
 * the API version each provider class declares ({@link DeclaredApiVersion}, read from the class file
 * before anything is loaded) is compatible; then runs the service loader over it in its own
 * {@link PluginClassLoader}. A jar built for another API major version is refused with one line
 * naming the version it was built for, whether the manifest, the class file or, failing both, a
 * {@link LinkageError} against the API tells.
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
        Map<String, String> declaredByClass;
        try (JarFile file = new JarFile(jar.toFile())) {
            manifest = file.getManifest();
            JarEntry serviceFile = file.getJarEntry(ProviderDiscovery.SERVICE_FILE);
            hasServiceFile = serviceFile != null;
            declaredByClass = hasServiceFile ? declaredVersions(file, serviceFile) : Map.of();
        } catch (IOException | RuntimeException e) {
            problems.critical(jarSource, "plugin jar " + fileName + " is not a readable jar (" + Failures.describe(e)
                    + "): replace it with a freshly built jar, or " + origin.removal());
            return nothing;
        }
        // the version the jar was built for: its manifest's, then each provider's class file's (read, not loaded)
        String removal = "remove it from " + jar.getParent();
        String manifestVersion = manifest == null ? null : manifest.getMainAttributes().getValue(API_VERSION_ATTRIBUTE);
        if (manifestVersion != null) {
            Optional<String> incompatible = ApiCompatibility.incompatibility("plugin jar " + fileName, manifestVersion.trim(), removal);
            if (incompatible.isPresent()) {
                problems.critical(jarSource, incompatible.get());
                return nothing;
            }
        }
        for (Map.Entry<String, String> provider : declaredByClass.entrySet()) {
            Optional<String> incompatible = ApiCompatibility.incompatibility("plugin jar " + fileName, provider.getValue(), removal);
            if (incompatible.isPresent()) {
                problems.critical(jarSource.withPluginClass(provider.getKey()), incompatible.get());
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

    /**
     * The API version each provider class named in {@code serviceFile} declares in its class file, by
     * class name, for the classes whose {@code apiVersion()} returns a constant (in service-file order).
     */
    private static Map<String, String> declaredVersions(JarFile file, JarEntry serviceFile) throws IOException {
        Map<String, String> declared = new LinkedHashMap<>();
        String services;
        try (InputStream in = file.getInputStream(serviceFile)) {
            services = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (String line : services.split("\\R")) {
            String className = line.replaceFirst("#.*", "").trim();
            JarEntry classFile = className.isEmpty() ? null : file.getJarEntry(className.replace('.', '/') + ".class");
            if (classFile == null) {
                continue; // a missing class is reported when the service loader gets to it
            }
            try (InputStream in = file.getInputStream(classFile)) {
                DeclaredApiVersion.of(in.readAllBytes()).ifPresent(version -> declared.put(className, version.trim()));
            }
        }
        return declared;
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
