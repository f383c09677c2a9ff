package io.gradlab.cli;

import io.gradlab.engine.registry.PluginHost;
import io.gradlab.engine.registry.PluginHostConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The options every command accepts, before or after the command name ({@code gradlab --verbose run x.yaml}
 * and {@code gradlab run x.yaml --verbose} mean the same). Filled in by picocli while parsing.
 */
public final class GlobalOptions {
    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "DEBUG logging, and stack traces with errors.")
    boolean verbose;

    @Option(names = "--plugins-dir", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "The folder of plugin jars (default: $GRADLAB_HOME/plugins).")
    Path pluginsDir;

    @Option(names = "--strict", scope = ScopeType.INHERIT,
            description = "Make any plugin problem (broken jar, duplicate id, incompatible API version) fatal.")
    boolean strict;

    public boolean verbose() {
        return verbose;
    }

    public boolean strict() {
        return strict;
    }

    /** The plugins folder given, else {@link PluginHost#defaultPluginsDir()} (may be {@code null}: no plugin jars). */
    public Path pluginsDir() {
        return pluginsDir != null ? pluginsDir : PluginHost.defaultPluginsDir();
    }

    public PluginHostConfig hostConfig() {
        return new PluginHostConfig(pluginsDir(), strict);
    }
}
