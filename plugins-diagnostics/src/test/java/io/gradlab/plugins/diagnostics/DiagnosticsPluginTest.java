package io.gradlab.plugins.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradlab.api.ApiVersion;
import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.GradlabPlugin;
import io.gradlab.api.ParameterSpec;
import io.gradlab.api.Params;
import io.gradlab.api.diag.Diagnostic;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class DiagnosticsPluginTest {
    @Test
    void isFoundByServiceLoaderWithTheCurrentApiVersion() {
        assertThat(ServiceLoader.load(GradlabPlugin.class).stream().map(ServiceLoader.Provider::type))
                .contains(DiagnosticsPlugin.class);
        assertThat(new DiagnosticsPlugin().apiVersion()).isEqualTo(ApiVersion.CURRENT);
    }

    @Test
    void everyDiagnosticIsBuiltFromItsDefaults() {
        assertThat(new DiagnosticsPlugin().components()).extracting(f -> f.id().value()).containsExactly("update-ratio",
                "activation-stats", "saturation", "dead-units", "histograms", "symmetry", "nan-sentinel", "exploding-gradient", "precision");
        for (ComponentFactory<?> any : new DiagnosticsPlugin().components()) {
            ComponentFactory<Diagnostic> f = any.as(ComponentKind.DIAGNOSTIC);
            Map<String, Object> values = new LinkedHashMap<>();
            for (ParameterSpec p : f.parameters()) {
                values.put(p.name(), p.defaultValue());
            }
            assertThat(f.create(new Params(f.id(), values), ComponentFactory.CreateContext.of(f.id().value()))).as(f.id().value()).isNotNull();
            assertThat(f.description()).isNotBlank();
        }
    }
}
