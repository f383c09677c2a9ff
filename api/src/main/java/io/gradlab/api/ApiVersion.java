package io.gradlab.api;

/**
 * The version of the gradlab plugin API.
 *
 * <p>{@link #CURRENT} is a compile-time constant: a plugin that returns it from
 * {@link GradlabPlugin#apiVersion()} records the API version it was <em>compiled</em> against,
 * because javac copies the constant into the plugin's class file. The host accepts a plugin when
 * the major versions are equal and the plugin's minor version is not newer than the host's.
 *
 * <p>2.0 replaced the eleven per-kind factory interfaces of {@code io.gradlab.api.spi} with the one
 * generic {@link ComponentFactory} and {@link GradlabPlugin#components()}; plugins built for 1.x must be
 * rebuilt.
 */
public final class ApiVersion {
    /** The API version of this artifact. */
    public static final String CURRENT = "2.4";

    private ApiVersion() {}

    /** Whether a plugin compiled against {@code pluginVersion} can run against {@code hostVersion}. */
    public static boolean compatible(String hostVersion, String pluginVersion) {
        int[] host = parse(hostVersion);
        int[] plugin = parse(pluginVersion);
        return host[0] == plugin[0] && plugin[1] <= host[1];
    }

    /** Parses {@code MAJOR.MINOR}; throws {@link IllegalArgumentException} on anything else. */
    public static int[] parse(String version) {
        if (version == null || !version.matches("\\d+\\.\\d+")) {
            throw new IllegalArgumentException("API version must look like MAJOR.MINOR, got '" + version + "'");
        }
        String[] parts = version.split("\\.");
        return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
    }
}
