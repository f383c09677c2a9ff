package io.gradlab.engine.spec;

import io.gradlab.api.ComponentKind;
import io.gradlab.api.ComponentSpec;

/**
 * Checks one component of a spec and fills in its parameter defaults. The component registry is one
 * ({@code registry::resolve}); tests use a fake.
 */
@FunctionalInterface
public interface ComponentResolver {
    /**
     * @param where the component's place in the spec, for messages ({@code model.architecture})
     * @return the component with every declared parameter present
     * @throws io.gradlab.api.GradlabException (category {@code COMPONENT}) for an unknown id or a bad parameter
     */
    ComponentSpec resolve(ComponentKind<?> kind, ComponentSpec spec, String where);
}
