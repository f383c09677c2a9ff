package io.gradlab.engine.registry;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the plugins: {@link java.util.ServiceLoader} over the host classpath, then over each
 * {@code *.jar} of the plugins folder (in file-name order), each jar in its own
 * {@link PluginClassLoader}. A broken provider, a jar built for an incompatible API version, a corrupt
 * jar or a duplicate id is reported as a {@link PluginProblem} (logged at WARN) and the healthy plugins
 * keep working; in strict mode {@link #load()} fails instead, listing every problem.
 */
public final class PluginHost {
    /** The system property naming the gradlab home folder (its {@code plugins} folder is the default). */
    public static final String HOME_PROPERTY = "gradlab.home";
    /** The environment variable naming the gradlab home folder, used when the property is unset. */
    public static final String HOME_ENV = "GRADLAB_HOME";

    private static final Logger LOG = LoggerFactory.getLogger(PluginHost.class);

    private final PluginHostConfig config;
    private final ClassLoader classpathLoader;
    private final ClassLoader hostLoader;

    public PluginHost(PluginHostConfig config) {
        this(config, PluginHost.class.getClassLoader());
    }

    /** For tests: discovers classpath plugins through {@code classpathLoader}. */
    PluginHost(PluginHostConfig config, ClassLoader classpathLoader) {
        this.config = requireNonNull(config, "config is null");
        this.classpathLoader = requireNonNull(classpathLoader, "classpathLoader is null");
        this.hostLoader = PluginHost.class.getClassLoader();
    }

    /** {@code $GRADLAB_HOME/plugins} (or {@code <gradlab.home>/plugins}), or {@code null} when no home is set. */
    public static Path defaultPluginsDir() {
        String home = System.getProperty(HOME_PROPERTY);
        if (home == null || home.isBlank()) {
            home = System.getenv(HOME_ENV);
        }
        return home == null || home.isBlank() ? null : Path.of(home.trim()).resolve("plugins").toAbsolutePath().normalize();
    }

    /**
     * Loads every plugin and returns the registry of their components.
     *
     * @throws GradlabException {@link Category#USAGE} when the configured plugins folder does not exist
     *                          (unless it is the default) or is not a folder; {@link Category#PLUGIN} in
     *                          strict mode when there is any problem
     */
    public ComponentRegistry load() {
        List<Path> jars = pluginJars();
        Problems problems = new Problems();
        List<RegisteredComponent> components = new ArrayList<>();

        ClasspathOrigin classpath = new ClasspathOrigin(classpathLoader);
        for (ProviderDiscovery.Discovered plugin : ProviderDiscovery.discover(classpathLoader, classpath, problems)) {
            components.addAll(FactoryCollector.collect(plugin, classpath, problems));
        }
        PluginJarLoader jarLoader = new PluginJarLoader(hostLoader);
        List<PluginJarLoader.LoadedJar> loaded = new ArrayList<>();
        PluginTrust trust = trustOf(config.pluginsDir());
        if (trust != null) {
            trust.lock().ifPresent(lock -> lock.missing(jars).forEach(name -> problems.warning(null,
                    lock.file() + " lists " + name + ", which is not in " + config.pluginsDir() + ": run gradlab plugins --lock to update it")));
        }
        for (Path jar : jars) {
            Optional<String> refusal = trust.refusal(jar);
            if (refusal.isPresent()) {
                problems.critical(new PluginSource(jar.getFileName().toString(), jar, null), refusal.get());
                continue;
            }
            PluginTrust.foreignOwner(jar).ifPresent(warning ->
                    problems.warning(new PluginSource(jar.getFileName().toString(), jar, null), warning));
            PluginJarLoader.LoadedJar result = jarLoader.load(jar, problems);
            loaded.add(result);
            components.addAll(result.components());
        }

        ComponentRegistry registry = ComponentRegistry.assemble(components, problems);
        if (config.strict() && !problems.isEmpty()) {
            loaded.forEach(jar -> jar.loader().ifPresent(PluginJarLoader::close));
            throw new GradlabException(Category.PLUGIN, "plugin loading failed (strict mode) with "
                    + problems.all().size() + " problem(s); fix or remove the plugins named:" + problems.joined());
        }
        for (PluginProblem problem : problems.all()) {
            LOG.warn("{}", problem.message());
        }
        LOG.debug("loaded {} components from the classpath and {} plugin jar(s) ({} problem(s))",
                registry.components().size(), jars.size(), problems.all().size());
        return registry;
    }

    /** The trust decisions for an existing plugins folder, or {@code null} when it does not exist. */
    private static PluginTrust trustOf(Path dir) {
        return dir != null && Files.isDirectory(dir) ? PluginTrust.of(dir) : null;
    }

    /** The {@code *.jar} files of the plugins folder, sorted by name; checks the folder. */
    private List<Path> pluginJars() {
        Path dir = config.pluginsDir();
        if (dir == null) {
            return List.of();
        }
        if (!Files.exists(dir)) {
            if (dir.equals(defaultPluginsDir())) {
                LOG.debug("default plugins folder {} does not exist: no plugin jars", dir);
                return List.of();
            }
            throw new GradlabException(Category.USAGE, "plugins folder " + dir
                    + " does not exist: create it and put plugin jars in it, or give an existing folder");
        }
        if (!Files.isDirectory(dir)) {
            throw new GradlabException(Category.USAGE, "plugins folder " + dir
                    + " is a file, not a folder: give the folder that holds the plugin jars");
        }
        return PluginLock.jars(dir);
    }
}
