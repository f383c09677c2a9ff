package io.gradlab.testkit;

import io.gradlab.api.ComponentKind;
import io.gradlab.api.nn.Loss;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.SeededRandom;
import io.gradlab.api.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The contract of a loss, as JUnit 5 default test methods: the factory checks, the gradient w.r.t.
 * the output ({@link LossCheck}), float32 against float64, no hidden state, and the mean over rows.
 */
public interface LossContract extends FactoryContract<Loss> {
    @Override
    default ComponentKind<Loss> expectedKind() {
        return ComponentKind.LOSS;
    }

    /** The targets the loss expects (class indices by default). */
    default LossCheck.TargetKind targets() {
        return LossCheck.TargetKind.CLASS_INDEX;
    }

    /** The number of outputs per sample. */
    default int width() {
        return 3;
    }

    default Loss newLoss(Map<String, Object> params) {
        return TestContexts.create(factory(), params);
    }

    default LossCheck gradientCheck(Map<String, Object> params) {
        return GradientCheck.loss(factory()).params(params).width(width()).targets(targets()).seed(seed());
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
            Tensor out32 = TestContexts.randomNormal(DType.F32, random, 1.0, 5, width()).to(DType.F32);
            Tensor target = target(random, 5, DType.F64);
            double[] single = run(newLoss(p), out32, target.to(DType.F32));
            double[] dbl = run(newLoss(p), out32.to(DType.F64), target);
            Closeness.assertClose(factory().id() + " " + p + ": float32 loss and gradient vs float64", dbl, single, 1e-4, 1e-6);
        }
    }

    @Test
    default void theSameInputsGiveTheSameLoss() {
        for (Map<String, Object> p : paramSets()) {
            SeededRandom random = new SeededRandom(seed()).fork("state");
            Tensor out = TestContexts.randomNormal(DType.F64, random, 1.0, 5, width());
            Tensor target = target(random, 5, DType.F64);
            Loss loss = newLoss(p);
            Closeness.assertIdentical(factory().id() + " " + p + ": a second evaluation (a loss keeps no state between calls)",
                    run(loss, out, target), run(loss, out, target));
        }
    }

    @Test
    default void theLossIsAMeanOverRows() {
        for (Map<String, Object> p : paramSets()) {
            SeededRandom random = new SeededRandom(seed()).fork("mean");
            Tensor out = TestContexts.randomNormal(DType.F64, random, 1.0, 3, width());
            Tensor target = target(random, 3, DType.F64);
            Tensor out2 = stackTwice(out);
            Tensor target2 = stackTwice(target);
            Loss loss = newLoss(p);
            double[] once = run(loss, out, target);
            double[] twice = run(loss, out2, target2);
            String where = factory().id() + " " + p + ": the batch repeated twice";
            Closeness.assertClose(where + " must give the same mean loss", new double[] {once[0]}, new double[] {twice[0]}, 1e-12, 1e-14);
            for (int i = 1; i < once.length; i++) {
                double half = once[i] / 2;
                Closeness.assertClose(where + " must give half the gradient per row", new double[] {half, half},
                        new double[] {twice[i], twice[i + out.size()]}, 1e-12, 1e-14);
            }
        }
    }

    private Tensor target(SeededRandom random, int rows, DType dtype) {
        return switch (targets()) {
            case CLASS_INDEX -> {
                Tensor t = Tensor.zeros(dtype, rows, 1);
                for (int r = 0; r < rows; r++) {
                    t.set(r, random.nextInt(width()));
                }
                yield t;
            }
            case REGRESSION -> TestContexts.randomNormal(dtype, random, 1.0, rows, width());
            case PROBABILITY -> TestContexts.randomUniform(dtype, random, 0.05, 0.95, rows, width());
        };
    }

    /** {@code {loss, gradient...}}. */
    private static double[] run(Loss loss, Tensor out, Tensor target) {
        double value = loss.forward(out, target);
        Tensor grad = Tensor.zeros(out.dtype(), out.shape());
        loss.backward(out, target, grad);
        double[] g = grad.toDoubleArray();
        double[] all = new double[g.length + 1];
        all[0] = value;
        System.arraycopy(g, 0, all, 1, g.length);
        return all;
    }

    private static Tensor stackTwice(Tensor t) {
        Tensor s = Tensor.zeros(t.dtype(), 2 * t.rows(), t.cols());
        for (int i = 0; i < t.size(); i++) {
            s.set(i, t.get(i));
            s.set(i + t.size(), t.get(i));
        }
        return s;
    }
}
