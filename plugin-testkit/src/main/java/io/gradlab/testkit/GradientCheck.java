package io.gradlab.testkit;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.GradlabException;
import io.gradlab.api.nn.Activation;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.Loss;
import io.gradlab.api.nn.Mode;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Gradient checking against central differences in float64, for plugin authors (through the
 * contract interfaces), for the engine's own tests and for the {@code gradlab gradcheck} command.
 * Needs no JUnit.
 *
 * <pre>{@code
 * GradientCheck.activation(myActivationFactory).params(Map.of("alpha", 0.5)).run().assertPasses();
 * GradientCheck.layer(denseFactory).inputWidth(6).run().assertPasses();
 * GradientCheck.layer(batchNormFactory).modes(Mode.TRAIN).run().assertPasses();
 * GradientCheck.loss(crossEntropyFactory).targets(LossCheck.TargetKind.CLASS_INDEX).run().assertPasses();
 * }</pre>
 *
 * <h2>The method</h2>
 * <ul>
 *   <li>A vector-valued component {@code y = F(t)} is reduced to a scalar with a fixed random linear
 *       functional {@code L = sum_k R_k y_k} ({@code R} normal(0, 1), so {@code dL/dy = R}); a loss is
 *       already a scalar.</li>
 *   <li>The numerical derivative w.r.t. element {@code t_j} is the central difference
 *       {@code sum_k R_k (y_k(t_j + h) - y_k(t_j - h)) / Δ}, with {@code h = 2^-20 ≈ 9.5e-7} and
 *       {@code Δ} the step actually realised in floating point. Outputs are differenced before they
 *       are weighted, so outputs independent of {@code t_j} contribute exactly zero.</li>
 *   <li>At a declared kink ({@link Activation#kinks()}) the derivative jumps: the second-order
 *       one-sided differences {@code (±3 y(k) ∓ 4 y(k ∓ h) ± y(k ∓ 2h)) / 2h} are computed and the
 *       analytic value passes when it lies between them (or matches the closer one).</li>
 *   <li>The relative error is {@code |a - n| / max(|a| + |n|, noise / threshold)}. {@code noise} estimates
 *       the rounding error of the difference quotient: {@code 32 ε sqrt(sum_k (R_k max|y_k(t_j ± h)|)^2) / Δ}
 *       over the outputs that depend on {@code t_j} ({@code ε = 2^-52}; dependence is detected with an
 *       extra, larger probe step of 10%; when no output visibly changes, over all outputs, since the
 *       dependence is then hidden in their rounding). For well-resolved gradients this is the plain symmetric relative
 *       error; a gradient too small to resolve (a saturated unit at x = 30) passes exactly when
 *       {@code |a - n| <= noise}.</li>
 *   <li>Points: random normal values ({@code std} 2 for activations, 1 otherwise), edge values
 *       {@link #defaultEdgeValues()} and, for activations, the kinks; the tails
 *       {@link #defaultTailValues()} only need finite outputs and derivatives (float64 and float32).</li>
 * </ul>
 * The default threshold is {@link #DEFAULT_THRESHOLD}.
 */
public final class GradientCheck {
    /** The default largest relative error that passes. */
    public static final double DEFAULT_THRESHOLD = 1e-6;
    /** The default finite-difference step, {@code 2^-20}: exact in binary, so {@code k ± h} is exact for small kinks. */
    public static final double DEFAULT_STEP = 0x1p-20;
    /** The edge values checked besides random points. */
    private static final double[] EDGE_VALUES = {0.0, 30.0, -30.0};
    /** The tail values where an activation only needs to be finite. */
    private static final double[] TAIL_VALUES = {100.0, -100.0, 1000.0, -1000.0};

    private static final Set<ComponentKind<?>> CHECKABLE =
            Set.of(ComponentKind.ACTIVATION, ComponentKind.LAYER, ComponentKind.NORMALIZER, ComponentKind.LOSS);

    private GradientCheck() {}

    /** The check of the activations made by {@code factory} (parameters validated as the host does). */
    public static ActivationCheck activation(ComponentFactory<Activation> factory) {
        requireNonNull(factory, "factory is null");
        return new ActivationCheck(factory.id().value(), raw -> TestContexts.create(factory, raw));
    }

    /** The check of activations from a supplier (a new instance per run and per element type). */
    public static ActivationCheck activation(String id, Supplier<? extends Activation> supplier) {
        requireNonNull(supplier, "supplier is null");
        return new ActivationCheck(TestContexts.id(id).value(), raw -> supplier.get());
    }

    /**
     * The check of the layers or the normalizers made by {@code factory}. A normalizer must pass in
     * {@link Mode#TRAIN} (batch statistics: every output row depends on every input row).
     */
    public static LayerCheck layer(ComponentFactory<Layer> factory) {
        requireNonNull(factory, "factory is null");
        if (factory.kind() != ComponentKind.LAYER && factory.kind() != ComponentKind.NORMALIZER) {
            throw new IllegalArgumentException(factory.kind().label() + " '" + factory.id()
                    + "' is not a layer or a normalizer; check an architecture's layers one by one");
        }
        return new LayerCheck(factory.kind(), factory.id().value(), raw -> TestContexts.create(factory, raw));
    }

    public static LayerCheck layer(String id, Supplier<? extends Layer> supplier) {
        requireNonNull(supplier, "supplier is null");
        return new LayerCheck(ComponentKind.LAYER, TestContexts.id(id).value(), raw -> supplier.get());
    }

    public static LossCheck loss(ComponentFactory<Loss> factory) {
        requireNonNull(factory, "factory is null");
        return new LossCheck(factory.id().value(), raw -> TestContexts.create(factory, raw));
    }

    public static LossCheck loss(String id, Supplier<? extends Loss> supplier) {
        requireNonNull(supplier, "supplier is null");
        return new LossCheck(TestContexts.id(id).value(), raw -> supplier.get());
    }

    /** The edge values checked besides random points: 0, 30 and -30 (a new array). */
    public static double[] defaultEdgeValues() {
        return EDGE_VALUES.clone();
    }

    /** The tail values where an activation's output and derivative only need to be finite: ±100, ±1000 (a new array). */
    public static double[] defaultTailValues() {
        return TAIL_VALUES.clone();
    }

    /** Whether components of {@code kind} can be gradient-checked. */
    public static boolean supports(ComponentKind<?> kind) {
        return CHECKABLE.contains(kind);
    }

    /**
     * Checks any differentiable component with default settings: what {@code gradlab gradcheck --id}
     * runs. Parameters are validated first (a bad value throws {@link GradlabException}).
     *
     * @throws GradlabException ({@link GradlabException.Category#USAGE}) for a kind that has no gradient
     */
    public static GradCheckReport check(ComponentFactory<?> factory, Map<String, ?> params) {
        requireNonNull(factory, "factory is null");
        requireNonNull(params, "params is null");
        ComponentKind<?> kind = factory.kind();
        if (kind == ComponentKind.ACTIVATION) {
            return activation(factory.as(ComponentKind.ACTIVATION)).params(params).run();
        }
        if (kind == ComponentKind.LAYER) {
            return layer(factory.as(ComponentKind.LAYER)).params(params).run();
        }
        if (kind == ComponentKind.NORMALIZER) {
            return layer(factory.as(ComponentKind.NORMALIZER)).params(params).run();
        }
        if (kind == ComponentKind.LOSS) {
            return loss(factory.as(ComponentKind.LOSS)).params(params).run();
        }
        throw new GradlabException(GradlabException.Category.USAGE, kind.label() + " '" + factory.id()
                + "' has no gradient to check; gradient checks apply to activations, layers, normalizers and losses");
    }
}
