package io.gradlab.cli;

import io.gradlab.api.ApiVersion;
import io.gradlab.engine.kernel.BlasOps;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** {@code gradlab --version}: the gradlab version, the plugin API version, the Java runtime and the BLAS backend. */
public final class VersionProvider implements IVersionProvider {
    static final String RESOURCE = "/io/gradlab/cli/version.properties";

    @Override
    public String[] getVersion() {
        return new String[] {
            "gradlab " + gradlabVersion(),
            "plugin API " + ApiVersion.CURRENT,
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ", "
                    + System.getProperty("java.vendor") + ")",
            "BLAS " + new BlasOps().backend()
        };
    }

    /** The version of this build, from the filtered {@code version.properties} resource. */
    static String gradlabVersion() {
        try (InputStream in = VersionProvider.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
