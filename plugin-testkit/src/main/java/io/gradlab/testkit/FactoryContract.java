package io.gradlab.testkit;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The checks every component factory passes, as JUnit 5 default test methods. Implement one of the
 * kind-specific contracts ({@link ActivationContract}, {@link LayerContract}, ...), which extend this
 * one; the implementing class supplies the factory and, when a parameter is required, the
 * parameters to test with. A kind without a contract of its own implements this one directly:
 *
 * <pre>{@code
 * class ClipTest implements FactoryContract<GradientTransform> {
 *     public ComponentFactory<GradientTransform> factory() { return ...; }
 *     public ComponentKind<GradientTransform> expectedKind() { return ComponentKind.GRADIENT_TRANSFORM; }
 * }
 * }</pre>
 *
 * @param <T> what the factory makes
 */
public interface FactoryContract<T> {
    /** The factory under test. */
    ComponentFactory<T> factory();

    /** The kind the factory must report. */
    ComponentKind<T> expectedKind();

    /** The raw parameter values the behavioural tests use (the defaults unless overridden). */
    default Map<String, Object> params() {
        return Map.of();
    }

    /** Every parameter setting the behavioural tests run with; override to cover several (e.g. each choice). */
    default List<Map<String, Object>> paramSets() {
        return List.of(params());
    }

    /** The seed of every build in the behavioural tests. */
    default long seed() {
        return TestContexts.DEFAULT_SEED;
    }

    @Test
    default void factoryHasAValidIdKindAndDescription() {
        assertNoProblems(FactoryChecks.metadata(factory()));
        if (factory().kind() != expectedKind()) {
            throw new AssertionError(factory().id() + ": kind() is " + factory().kind() + ", expected " + expectedKind());
        }
    }

    @Test
    default void declaredParameterDefaultsAreAllowedValues() {
        assertNoProblems(FactoryChecks.declaredParameters(factory()));
    }

    @Test
    default void defaultsValidateWhenNoParameterIsRequired() {
        assertNoProblems(FactoryChecks.defaultsValidate(factory()));
    }

    @Test
    default void outOfRangeValuesAreRejectedNamingComponentAndParameter() {
        assertNoProblems(FactoryChecks.outOfRangeRejected(factory(), params()));
    }

    @Test
    default void unknownParametersAreRejected() {
        assertNoProblems(FactoryChecks.unknownParameterRejected(factory(), params()));
    }

    @Test
    default void testParametersValidate() {
        for (Map<String, Object> p : paramSets()) {
            TestContexts.params(factory(), p);
        }
    }

    private static void assertNoProblems(List<String> problems) {
        if (!problems.isEmpty()) {
            throw new AssertionError(String.join("\n", problems));
        }
    }
}
