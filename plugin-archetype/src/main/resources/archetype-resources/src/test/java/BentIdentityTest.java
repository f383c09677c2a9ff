package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.nn.Activation;
import io.gradlab.testkit.ActivationContract;
import io.gradlab.testkit.GradientCheck;
import io.gradlab.testkit.TestContexts;
import org.junit.jupiter.api.Test;

/**
 * Implementing {@link ActivationContract} runs the gradlab test kit's checks: factory metadata and
 * parameters, the gradient check (random points, 0, ±30, finite at ±1000), the float32 and float64
 * kernels against the definition (float32 rounded at every step, as compiled kernels compute it),
 * float32 against float64, determinism, and maxDerivative/family/kinks against the function.
 */
class BentIdentityTest implements ActivationContract {

    @Override
    public ComponentFactory<Activation> factory() {
        return TestContexts.factory(new ExamplePlugin(), ComponentKind.ACTIVATION, ExamplePlugin.BENT_IDENTITY);
    }

    @Test
    void knownValues() {
        BentIdentity f = new BentIdentity();
        assertEquals(0.0, f.value(0.0));
        assertEquals((Math.sqrt(2) - 1) / 2 + 1, f.value(1.0), 1e-15);
        assertEquals(1.0, f.derivative(0.0, 0.0));
        assertEquals(1.0 + 1 / (2 * Math.sqrt(2)), f.derivative(1.0, f.value(1.0)), 1e-15);
    }

    @Test
    void theGradientCheckReportCanBeReadDirectly() {
        var report = GradientCheck.activation(factory()).run();
        report.assertPasses();
        System.out.println(report.describe());
    }
}
