package io.gradlab.engine.registry;

/**
 * Where a class loader's plugins come from (the host classpath or one plugin jar): names the source of
 * a provider class and says how to get rid of a broken one.
 */
interface Origin {
    /** The source of the provider class {@code className} ({@code null}: the origin as a whole). */
    PluginSource source(String className);

    /** The end of a fix: {@code remove foo.jar from /opt/gradlab/plugins}. */
    String removal();
}
