package io.gradlab.engine.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradlab.api.ApiVersion;
import java.util.ServiceConfigurationError;
import org.junit.jupiter.api.Test;

class ApiCompatibilityTest {
    private static final String REMOVAL = "remove it from /plugins";

    @Test
    void theSameMajorWithAMinorNoNewerIsCompatible() {
        assertThat(ApiVersion.CURRENT).isEqualTo("2.4");
        assertThat(ApiCompatibility.incompatibility("plugin jar a.jar", "2.4", REMOVAL)).isEmpty();
        assertThat(ApiCompatibility.incompatibility("plugin jar a.jar", "2.0", REMOVAL)).as("a plugin built for 2.0 runs on 2.4").isEmpty();
    }

    @Test
    void anOlderMajorIsToBeRebuilt() {
        assertThat(ApiCompatibility.incompatibility("plugin jar a.jar", "1.7", REMOVAL)).contains(
                "plugin jar a.jar was built for gradlab API 1.7 but this gradlab speaks 2.4: rebuild it against gradlab-api 2.x"
                        + " or remove it from /plugins");
    }

    @Test
    void aNewerVersionCanAlsoBeRunByUpgradingGradlab() {
        assertThat(ApiCompatibility.incompatibility("plugin jar a.jar", "2.5", REMOVAL)).contains(
                "plugin jar a.jar was built for gradlab API 2.5 but this gradlab speaks 2.4: upgrade gradlab to one that speaks API 2.5,"
                        + " rebuild it against gradlab-api 2.x, or remove it from /plugins");
    }

    @Test
    void aMalformedVersionIsNamed() {
        assertThat(ApiCompatibility.incompatibility("plugin jar a.jar", "two", REMOVAL)).contains(
                "plugin jar a.jar declares gradlab API version 'two', which is not MAJOR.MINOR: rebuild it against gradlab-api 2.x"
                        + " or remove it from /plugins");
    }

    @Test
    void aLinkageErrorOverAnApiClassMeansAnotherApiVersion() {
        Throwable wrapped = new ServiceConfigurationError("io.gradlab.api.GradlabPlugin: Provider x.P could not be instantiated",
                new NoSuchMethodError("'java.util.List io.gradlab.api.GradlabPlugin.activations()'"));

        assertThat(ApiCompatibility.linkageIncompatibility("plugin jar a.jar", wrapped, REMOVAL)).contains(
                "plugin jar a.jar was built for another gradlab API version but this gradlab speaks 2.4 (it needs"
                        + " io.gradlab.api.GradlabPlugin.activations, which API 2.4 does not have: NoSuchMethodError):"
                        + " rebuild it against gradlab-api 2.x or remove it from /plugins");
        assertThat(ApiCompatibility.linkageIncompatibility("plugin jar a.jar",
                new NoClassDefFoundError("io/gradlab/api/spi/LayerFactory"), REMOVAL).orElseThrow())
                .startsWith("plugin jar a.jar was built for gradlab API 1.x but this gradlab speaks 2.4 (it needs"
                        + " io.gradlab.api.spi.LayerFactory,");
    }

    @Test
    void otherFailuresAreNotAboutTheApiVersion() {
        assertThat(ApiCompatibility.linkageIncompatibility("plugin jar a.jar", new NoClassDefFoundError("com/google/common/Foo"), REMOVAL))
                .isEmpty();
        assertThat(ApiCompatibility.linkageIncompatibility("plugin jar a.jar", new IllegalStateException("io.gradlab.api.X"), REMOVAL))
                .isEmpty();
    }
}
