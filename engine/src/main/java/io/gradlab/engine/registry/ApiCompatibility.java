package io.gradlab.engine.registry;

import io.gradlab.api.ApiVersion;
import java.util.Optional;

/** Checks a declared API version against {@link ApiVersion#CURRENT} and explains a mismatch. */
final class ApiCompatibility {
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
        String rebuild = "rebuild it against gradlab-api " + ApiVersion.parse(host)[0] + ".x or " + removal;
        try {
            ApiVersion.parse(declared);
        } catch (IllegalArgumentException e) {
            return Optional.of(what + " declares gradlab API version '" + declared + "', which is not MAJOR.MINOR: " + rebuild);
        }
        if (ApiVersion.compatible(host, declared)) {
            return Optional.empty();
        }
        return Optional.of(what + " was built for gradlab API " + declared + " but this gradlab speaks " + host + ": " + rebuild);
    }
}
