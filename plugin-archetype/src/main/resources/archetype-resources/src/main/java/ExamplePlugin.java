package ${package};

import io.gradlab.api.ApiVersion;
import io.gradlab.api.GradlabPlugin;
import io.gradlab.api.spi.ActivationFactory;
import java.util.List;

/**
 * The plugin's single entry point, listed in
 * {@code META-INF/services/io.gradlab.api.GradlabPlugin}. It overrides only what it contributes.
 */
public final class ExamplePlugin implements GradlabPlugin {
    /** The activation's id, as specs and the command line name it. */
    public static final String BENT_IDENTITY = "bent-identity";

    @Override
    public String apiVersion() {
        return ApiVersion.CURRENT; // a compile-time constant: records the API version this jar was built against
    }

    @Override
    public List<ActivationFactory> activations() {
        return List.of(ActivationFactory.of(BENT_IDENTITY,
                "bent identity (sqrt(x^2 + 1) - 1) / 2 + x: smooth, never saturates, derivative in (0.5, 1.5)",
                List.of(), params -> new BentIdentity()));
    }
}
