package ${package};

import io.gradlab.api.ApiVersion;
import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.GradlabPlugin;
import java.util.List;

/**
 * The plugin's single entry point, listed in
 * {@code META-INF/services/io.gradlab.api.GradlabPlugin}. It lists the factories of what it
 * contributes, one activation here.
 */
public final class ExamplePlugin implements GradlabPlugin {
    /** The activation's id, as specs and the command line name it. */
    public static final String BENT_IDENTITY = "bent-identity";

    @Override
    public String apiVersion() {
        return ApiVersion.CURRENT; // a compile-time constant: records the API version this jar was built against
    }

    @Override
    public List<ComponentFactory<?>> components() {
        return List.of(ComponentFactory.of(ComponentKind.ACTIVATION, BENT_IDENTITY,
                "bent identity (sqrt(x^2 + 1) - 1) / 2 + x: smooth, never saturates, derivative in (0.5, 1.5)",
                List.of(), params -> new BentIdentity()));
    }
}
