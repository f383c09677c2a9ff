package io.gradlab.engine.registry;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Enumeration;
import java.util.List;

/**
 * The class loader of one plugin jar, in the manner of Trino's {@code PluginClassLoader}: the plugin's
 * own classes come first, so a plugin may bundle any library version it likes; only the gradlab API
 * ({@code io.gradlab.api.*}) and SLF4J ({@code org.slf4j.*}) are taken from the host, so that the
 * plugin and the host agree on those types. The JDK (java.*, javax.*, jdk.*) comes from the platform
 * class loader, the parent. Nothing else of the host (Guice, Jackson, the engine) is visible.
 */
final class PluginClassLoader extends URLClassLoader {
    /** Packages shared with the host, as class-name prefixes. */
    static final List<String> HOST_PACKAGES = List.of("io.gradlab.api.", "org.slf4j.");

    static {
        registerAsParallelCapable();
    }

    private final ClassLoader hostLoader;

    PluginClassLoader(String name, List<URL> urls, ClassLoader hostLoader) {
        super(name, urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
        this.hostLoader = requireNonNull(hostLoader, "hostLoader is null");
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(name)) {
            Class<?> loaded = findLoadedClass(name);
            if (loaded == null) {
                // the platform loader (parent) first, then the jar: see URLClassLoader
                loaded = isHostClass(name) ? hostLoader.loadClass(name) : super.loadClass(name, false);
            }
            if (resolve) {
                resolveClass(loaded);
            }
            return loaded;
        }
    }

    @Override
    public URL getResource(String name) {
        return isHostResource(name) ? hostLoader.getResource(name) : super.getResource(name);
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        return isHostResource(name) ? hostLoader.getResources(name) : super.getResources(name);
    }

    static boolean isHostClass(String className) {
        for (String prefix : HOST_PACKAGES) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** {@code io/gradlab/api/...} and {@code org/slf4j/...}; service files stay the plugin's own. */
    static boolean isHostResource(String resourceName) {
        String name = resourceName.startsWith("/") ? resourceName.substring(1) : resourceName;
        return isHostClass(name.replace('/', '.'));
    }
}
