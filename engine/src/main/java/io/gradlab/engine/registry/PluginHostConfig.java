package io.gradlab.engine.registry;

import java.nio.file.Path;

/**
 * How the {@link PluginHost} loads plugins.
 *
 * @param pluginsDir the folder whose {@code *.jar} files are loaded as plugins, or {@code null} for none.
 *                   It must exist, unless it is {@link PluginHost#defaultPluginsDir()} (a missing default
 *                   folder just means no plugin jars are installed)
 * @param strict     whether any plugin problem (broken jar, duplicate id, incompatible API version) makes
 *                   {@link PluginHost#load()} fail instead of being reported and skipped
 */
public record PluginHostConfig(Path pluginsDir, boolean strict) {
    public PluginHostConfig {
        pluginsDir = pluginsDir == null ? null : pluginsDir.toAbsolutePath().normalize();
    }

    /** Classpath plugins only, problems reported and skipped. */
    public static PluginHostConfig classpathOnly() {
        return new PluginHostConfig(null, false);
    }
}
