package io.gradlab.engine.registry;

import io.gradlab.api.ApiVersion;
import java.util.Optional;

/** Checks a declared API version against {@link ApiVersion#CURRENT} and explains a mismatch. */
final class ApiCompatibility {
    private static final String API_PACKAGE = "io.gradlab.api.";
    /** The per-kind factories of API 1.x, which API 2.0 replaced with {@code ComponentFactory}. */
    private static final String API_1_SPI_PACKAGE = "io.gradlab.api.spi.";

    private ApiCompatibility() {}

    /**
     * Why {@code what} cannot run here, or empty when it can.
     *
     * @param what     the subject of the sentence: {@code plugin jar foo.jar}
     * @param declared the declared version (may be {@code null} or malformed)
     * @param removal  the end of the fix: {@code remove it from /opt/gradlab/plugins}
     */
    static Optional<String> incompatibility(String what, String declared, String removal) {
        String host = ApiVersion.CURRENT;
        int hostMajor = ApiVersion.parse(host)[0];
        String against = "rebuild it against gradlab-api " + hostMajor + ".x";
        String rebuild = against + " or " + removal;
        int[] plugin;
        try {
            plugin = ApiVersion.parse(declared);
        } catch (IllegalArgumentException e) {
            return Optional.of(what + " declares gradlab API version '" + declared + "', which is not MAJOR.MINOR: " + rebuild);
        }
        if (ApiVersion.compatible(host, declared)) {
            return Optional.empty();
        }
        String fix = plugin[0] < hostMajor ? rebuild
                : "upgrade gradlab to one that speaks API " + declared + ", " + against + ", or " + removal;
        return Optional.of(what + " was built for gradlab API " + declared + " but this gradlab speaks " + host + ": " + fix);
    }

    /**
     * When {@code failure} (thrown while loading or asking a plugin) is a {@link LinkageError} over a
     * class of the gradlab API, the one-line explanation: the plugin was built against another API
     * version. Empty for any other failure.
     *
     * @param what    the subject of the sentence: {@code plugin jar foo.jar}
     * @param removal the end of the fix: {@code remove foo.jar from /opt/gradlab/plugins}
     */
    static Optional<String> linkageIncompatibility(String what, Throwable failure, String removal) {
        Throwable root = Failures.unwrap(failure);
        if (!(root instanceof LinkageError)) {
            return Optional.empty();
        }
        String message = String.valueOf(root.getMessage()).replace('/', '.');
        int at = message.indexOf(API_PACKAGE);
        if (at < 0) {
            return Optional.empty();
        }
        String apiClass = message.substring(at).split("[\\s'\"(),;]", 2)[0];
        String host = ApiVersion.CURRENT;
        int hostMajor = ApiVersion.parse(host)[0];
        String built = apiClass.startsWith(API_1_SPI_PACKAGE) ? "gradlab API 1.x" : "another gradlab API version";
        return Optional.of(what + " was built for " + built + " but this gradlab speaks " + host + " (it needs " + apiClass
                + ", which API " + host + " does not have: " + root.getClass().getSimpleName() + "): rebuild it against gradlab-api "
                + hostMajor + ".x or " + removal);
    }
}
