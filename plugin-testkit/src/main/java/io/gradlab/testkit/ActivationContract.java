package io.gradlab.testkit;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.nn.Activation;
import io.gradlab.api.nn.ElementwiseActivation;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.SeededRandom;
import io.gradlab.api.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The contract of an activation, as JUnit 5 default test methods. All an author writes:
 *
 * <pre>{@code
 * class CubeTest implements ActivationContract {
 *     public ComponentFactory<Activation> factory() { return new CubePlugin().components().get(0).as(ComponentKind.ACTIVATION); }
 * }
 * }</pre>
 *
 * It checks the factory ({@link FactoryContract}), the gradient (input and learnable parameters, at
 * random points, edges, kinks, finite tails: {@link ActivationCheck}) for every {@link #paramSets()},
 * float32 against float64, determinism, the declared {@link Activation#maxDerivative()},
 * {@link Activation#family()} and {@link Activation#kinks()} against the function itself, and that an
 * {@link ElementwiseActivation}'s kernels compute its definition in float32 and float64.
 *
 * <p>The activation is bound in {@link #context(DType)}: by default with {@link
 * ReferenceOps#float32Steps()}, which rounds every float32 intermediate as compiled kernels do, so
 * that an expression that overflows or cancels in float32 fails here; an engine runs the same
 * contract through its own kernels by overriding it with {@link TestBuildContext#withOps}.
 */
public interface ActivationContract extends FactoryContract<Activation> {
    @Override
    default ComponentKind<Activation> expectedKind() {
        return ComponentKind.ACTIVATION;
    }

    /** The number of units the activation is bound to. */
    default int units() {
        return 5;
    }

    /** The gradient check for one parameter setting; override to adjust it (domain, points, threshold). */
    default ActivationCheck gradientCheck(Map<String, Object> params) {
        return GradientCheck.activation(factory()).params(params).units(units()).seed(seed());
    }

    /** The build context activations are bound in: {@link ReferenceOps#float32Steps()} unless overridden. */
    default TestBuildContext context(DType dtype) {
        return TestContexts.context(dtype, seed()).withOps(ReferenceOps.float32Steps());
    }

    /** A new activation with {@code params}, bound in the given element type. */
    default Activation newActivation(Map<String, Object> params, DType dtype) {
        return TestContexts.boundActivation(factory(), params, units(), context(dtype));
    }

    @Test
    default void gradientCheckPasses() {
        for (Map<String, Object> p : paramSets()) {
            gradientCheck(p).run().assertPasses();
        }
    }

    @Test
    default void float32AndFloat64Agree() {
        for (Map<String, Object> p : paramSets()) {
            SeededRandom random = new SeededRandom(seed()).fork("agreement");
            Tensor x32 = TestContexts.randomNormal(DType.F32, random, 2.0, 16, units());
            Tensor g32 = TestContexts.randomNormal(DType.F32, random, 1.0, 16, units());
            double[][] single = ActivationProbe.run(newActivation(p, DType.F32), x32, g32);
            double[][] dbl = ActivationProbe.run(newActivation(p, DType.F64), x32.to(DType.F64), g32.to(DType.F64));
            String where = factory().id() + " " + p;
            Closeness.assertClose(where + ": float32 forward vs float64", dbl[0], single[0], 1e-4, 1e-6);
            Closeness.assertClose(where + ": float32 backward vs float64", dbl[1], single[1], 1e-4, 1e-6);
        }
    }

    /**
     * An {@link ElementwiseActivation}'s forward and backward passes, through the kernels it is bound
     * to, compute {@link ElementwiseActivation#value} and {@link ElementwiseActivation#derivative(double,
     * double)} (its expressions in double) within float rounding: 4e-6 relative plus 4e-7 times the size
     * of the terms in float32 (some 60 units in the last place), 1e-12 and 1e-13 in float64.
     */
    @Test
    default void kernelsComputeTheDefinition() {
        for (Map<String, Object> p : paramSets()) {
            for (DType dtype : DType.values()) {
                if (!(newActivation(p, dtype) instanceof ElementwiseActivation e)) {
                    return; // not elementwise: no definition in double to compare with
                }
                SeededRandom random = new SeededRandom(seed()).fork("definition");
                boolean single = dtype == DType.F32;
                ActivationProbe.assertKernelsComputeTheDefinition(factory().id() + " " + p, e, units(), dtype, random,
                        single ? 4e-6 : 1e-12, single ? 4e-7 : 1e-13);
            }
        }
    }

    @Test
    default void sameSeedGivesTheSameResult() {
        for (Map<String, Object> p : paramSets()) {
            for (DType dtype : DType.values()) {
                Tensor x = TestContexts.randomNormal(dtype, new SeededRandom(seed()), 2.0, 8, units());
                Tensor g = TestContexts.randomNormal(dtype, new SeededRandom(seed() + 1), 1.0, 8, units());
                Activation first = newActivation(p, dtype);
                Activation second = newActivation(p, dtype);
                double[][] a = ActivationProbe.run(first, x, g);
                double[][] b = ActivationProbe.run(second, x, g);
                String where = factory().id() + " " + p + " " + dtype;
                Closeness.assertIdentical(where + " forward", a[0], b[0]);
                Closeness.assertIdentical(where + " backward", a[1], b[1]);
                List<Parameter> pa = first.parameters();
                List<Parameter> pb = second.parameters();
                for (int i = 0; i < pa.size(); i++) {
                    if (pa.get(i).value() == pb.get(i).value()) {
                        throw new AssertionError(where + ": two activations share the tensor of parameter '"
                                + pa.get(i).name() + "'; create new parameters in bind()");
                    }
                    Closeness.assertIdentical(where + " parameter " + pa.get(i).name(),
                            pa.get(i).value().toDoubleArray(), pb.get(i).value().toDoubleArray());
                }
            }
        }
    }

    @Test
    default void maxDerivativeIsTheLargestDerivative() {
        for (Map<String, Object> p : paramSets()) {
            Activation activation = newActivation(p, DType.F64);
            double declared = activation.maxDerivative();
            double[][] scan = ActivationProbe.scan(activation, units(), DType.F64);
            double observed = Double.NEGATIVE_INFINITY;
            double at = Double.NaN;
            for (int i = 0; i < scan[2].length; i++) {
                if (scan[2][i] > observed) {
                    observed = scan[2][i];
                    at = scan[0][i];
                }
            }
            String where = factory().id() + " " + p;
            if (!Double.isFinite(declared) || declared <= 0) {
                throw new AssertionError(where + ": maxDerivative() is " + declared + "; it must be a positive number");
            }
            if (observed > declared * (1 + 1e-9) + 1e-12) {
                throw new AssertionError(where + ": the derivative reaches " + observed + " at x = " + at
                        + " but maxDerivative() says " + declared);
            }
            if (declared > observed * 1.01 + 1e-9) {
                throw new AssertionError(where + ": maxDerivative() says " + declared + " but the largest derivative on [-1000, 1000] is "
                        + observed + " (at x = " + at + "); saturation diagnostics compare against this value");
            }
        }
    }

    @Test
    default void familyMatchesTheFunction() {
        for (Map<String, Object> p : paramSets()) {
            Activation activation = newActivation(p, DType.F64);
            double[][] scan = ActivationProbe.scan(activation, units(), DType.F64);
            String where = factory().id() + " " + p;
            switch (activation.family()) {
                case RECTIFYING -> {
                    for (int i = 0; i < scan[0].length; i++) {
                        if (scan[0][i] < 0 && scan[1][i] != 0.0) {
                            throw new AssertionError(where + ": family() is RECTIFYING but f(" + scan[0][i] + ") = " + scan[1][i]
                                    + "; a rectifying unit outputs exactly zero for negative inputs (dead-unit diagnostics count them)");
                        }
                    }
                }
                case SATURATING -> {
                    double limit = 0.01 * activation.maxDerivative();
                    for (int i = 0; i < scan[0].length; i++) {
                        if (Math.abs(scan[0][i]) >= 30 && Math.abs(scan[2][i]) > limit) {
                            throw new AssertionError(where + ": family() is SATURATING but f'(" + scan[0][i] + ") = " + scan[2][i]
                                    + ", above 1% of maxDerivative(); a saturating unit's derivative vanishes in the tails");
                        }
                    }
                }
                case OTHER -> { }
                default -> throw new AssertionError(where + ": family() returned null");
            }
        }
    }

    @Test
    default void kinksAreFiniteNumbers() {
        for (Map<String, Object> p : paramSets()) {
            double[] kinks = newActivation(p, DType.F64).kinks();
            if (kinks == null) {
                throw new AssertionError(factory().id() + ": kinks() returned null; return new double[0] when there are none");
            }
            for (double k : kinks) {
                if (!Double.isFinite(k)) {
                    throw new AssertionError(factory().id() + " " + p + ": kink " + k + " is not a finite number");
                }
            }
        }
    }
}
