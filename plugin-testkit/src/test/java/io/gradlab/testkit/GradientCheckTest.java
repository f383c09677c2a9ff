package io.gradlab.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.GradlabException;
import io.gradlab.api.ParameterSpec;
import io.gradlab.api.nn.Activation;
import io.gradlab.api.nn.Initializer;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.Loss;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.nn.ElementwiseActivation;
import io.gradlab.api.tensor.Expr;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GradientCheckTest {

    @Test
    void aCorrectActivationPasses() {
        GradCheckReport report = GradientCheck.activation("tanh", Fakes.Tanh::new).run();

        assertThat(report.passed()).as(report.describe()).isTrue();
        assertThat(report.maxRelativeError()).isLessThan(1e-8);
        // 4 random rows of 5 units, then a row with the edge values 0, 30, -30 padded with 2 random points
        assertThat(report.checks()).isEqualTo(4 * 5 + 5);
        assertThat(report.describe()).startsWith("gradient check of activation 'tanh': PASSED");
        report.assertPasses();
    }

    @Test
    void aDerivativeOffByTenPercentIsCaughtAndTheMessageNamesTheComponent() {
        GradCheckReport report = GradientCheck.activation("fake-tanh", () -> new Fakes.Tanh(1.1)).run();

        assertThat(report.passed()).isFalse();
        // |1.1 d - d| / (1.1 d + d) = 0.1 / 2.1
        assertThat(report.maxRelativeError()).isCloseTo(0.1 / 2.1, org.assertj.core.data.Offset.offset(1e-6));
        GradCheckReport.Point worst = report.worst();
        assertThat(worst.tensor()).isEqualTo("input");
        assertThat(worst.analytic()).isCloseTo(1.1 * worst.numerical(), org.assertj.core.data.Offset.offset(1e-6));
        assertThatThrownBy(report::assertPasses)
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("activation 'fake-tanh'")
                .hasMessageContaining("worst point input" + worst.position())
                .hasMessageContaining("analytic " + worst.analytic())
                .hasMessageContaining("numerical " + worst.numerical())
                .hasMessageContaining("relative error 4.762e-02 > threshold 1.000e-06");
    }

    @Test
    void reluKinkAtZeroDoesNotFailTheCheck() {
        GradCheckReport report = GradientCheck.activation("relu", () -> new Fakes.Relu(true)).run();

        report.assertPasses();
        assertThat(report.maxRelativeError()).isZero();
    }

    @Test
    void anUndeclaredKinkFailsAtZero() {
        GradCheckReport report = GradientCheck.activation("relu-no-kinks", () -> new Fakes.Relu(false)).run();

        assertThat(report.passed()).isFalse();
        assertThat(report.worst().inputValue()).isZero();
        assertThat(report.worst().analytic()).isZero();
        assertThat(report.worst().note()).contains("edge point");
    }

    @Test
    void nonFiniteTailsAreReported() {
        GradCheckReport report = GradientCheck.activation("naive-softplus", Fakes.NaiveSoftplus::new).run();

        assertThat(report.passed()).isFalse();
        assertThat(report.problems()).anySatisfy(p -> assertThat(p).contains("x = 1000.0").contains("F64"));
        assertThatThrownBy(report::assertPasses).hasMessageContaining("naive-softplus").hasMessageContaining("non-finite");
    }

    @Test
    void float32OverflowInTheTailsIsReported() {
        GradCheckReport report = GradientCheck.activation("ratio-tanh", Fakes.RatioTanh::new).tailValues(100, -100).run();

        assertThat(report.passed()).isFalse();
        assertThat(report.problems()).hasSize(2).allSatisfy(p -> assertThat(p).contains("NaN at x = 100.0 in F32"));
    }

    @Test
    void learnableActivationParametersAreChecked() {
        GradientCheck.activation("scale", () -> new Fakes.Scale(1.0)).run().assertPasses();

        GradCheckReport broken = GradientCheck.activation("scale", () -> new Fakes.Scale(0.9)).run();
        assertThat(broken.passed()).isFalse();
        assertThat(broken.worst().tensor()).isEqualTo("parameter 'scale'");
    }

    @Test
    void aDenseLayerPassesAndAWrongWeightGradientIsCaught() {
        GradCheckReport ok = GradientCheck.layer("dense", () -> new Fakes.Dense(3)).inputWidth(5).run();
        ok.assertPasses();
        // input 4x5 (20) + weight 15 + bias 3, at 2 points in 2 modes
        assertThat(ok.checks()).isEqualTo(4 * (20 + 15 + 3));

        GradCheckReport broken = GradientCheck.layer("dense", () -> new Fakes.Dense(3, 1.1, false)).inputWidth(5).run();
        assertThat(broken.passed()).isFalse();
        assertThat(broken.worst().tensor()).isEqualTo("parameter 'weight'");
        assertThatThrownBy(broken::assertPasses).hasMessageContaining("layer 'dense'").hasMessageContaining("parameter 'weight'");
    }

    @Test
    void saturatedUnitsAtLargeInputsPassOnTheRoundingNoiseFloor() {
        GradientCheck.layer("dense-sigmoid", () -> new Fakes.Dense(3, 1.0, true)).inputWidth(4).edgeValues(30, -30, 60).run()
                .assertPasses();
    }

    @Test
    void batchNormPassesInTrainModeAndEvalMode() {
        ComponentFactory<Layer> factory = ComponentFactory.of(ComponentKind.NORMALIZER, "test-batch-norm", "batch norm", List.of(), p -> new Fakes.BatchNorm());

        GradCheckReport report = GradientCheck.layer(factory).batch(6).modes(Mode.TRAIN, Mode.EVAL).run();

        report.assertPasses();
        assertThat(report.kind()).isEqualTo(ComponentKind.NORMALIZER);
    }

    @Test
    void lossesAreCheckedWithRespectToTheOutput() {
        GradientCheck.loss("mse", Fakes.Mse::new).targets(LossCheck.TargetKind.REGRESSION).run().assertPasses();
        GradientCheck.loss("softmax-ce", () -> new Fakes.SoftmaxCrossEntropy(false)).run().assertPasses();

        GradCheckReport adding = GradientCheck.loss("adding-ce", () -> new Fakes.SoftmaxCrossEntropy(true)).run();
        assertThat(adding.passed()).isFalse();
        assertThat(adding.maxRelativeError()).isInfinite();
    }

    @Test
    void checkDispatchesOnTheKindAndRejectsKindsWithoutGradients() {
        ComponentFactory<Activation> tanh = ComponentFactory.of(ComponentKind.ACTIVATION, "tanh", "tanh", List.of(), p -> new Fakes.Tanh());
        assertThat(GradientCheck.check(tanh, Map.of()).passed()).isTrue();
        ComponentFactory<Loss> mse = ComponentFactory.of(ComponentKind.LOSS, "mse", "mse", List.of(), p -> new Fakes.Mse());
        assertThat(GradientCheck.supports(ComponentKind.LOSS)).isTrue();
        assertThat(GradientCheck.supports(ComponentKind.OPTIMIZER)).isFalse();
        assertThat(mse.kind()).isEqualTo(ComponentKind.LOSS);

        ComponentFactory<Initializer> init = ComponentFactory.of(ComponentKind.INITIALIZER, "normal", "normal", List.of(), p -> new Fakes.NormalInit(1));
        assertThatThrownBy(() -> GradientCheck.check(init, Map.of()))
                .isInstanceOf(GradlabException.class)
                .hasMessageContaining("initializer 'normal' has no gradient to check");
    }

    @Test
    void parametersAreValidatedLikeTheHostDoes() {
        ComponentFactory<Activation> scaled = ComponentFactory.of(ComponentKind.ACTIVATION, "scaled-tanh", "tanh with a factor",
                List.of(ParameterSpec.real("factor", 1.0, "derivative factor").range(0.5, 2.0)),
                p -> new Fakes.Tanh(p.getDouble("factor")));

        assertThat(GradientCheck.activation(scaled).params(Map.of("factor", 1.0)).run().passed()).isTrue();
        assertThat(GradientCheck.activation(scaled).params(Map.of("factor", 1.5)).run().passed()).isFalse();
        assertThatThrownBy(() -> GradientCheck.activation(scaled).params(Map.of("factor", 5.0)).run())
                .isInstanceOf(GradlabException.class)
                .hasMessageContaining("scaled-tanh")
                .hasMessageContaining("factor");
    }

    @Test
    void sameSeedSameReport() {
        GradCheckReport a = GradientCheck.activation("fake-tanh", () -> new Fakes.Tanh(1.01)).seed(7).run();
        GradCheckReport b = GradientCheck.activation("fake-tanh", () -> new Fakes.Tanh(1.01)).seed(7).run();

        assertThat(a).isEqualTo(b);
    }

    @Test
    void mergeKeepsTheWorstOfBoth() {
        GradCheckReport good = GradientCheck.activation("t", Fakes.Tanh::new).run();
        GradCheckReport bad = GradientCheck.activation("t", () -> new Fakes.Tanh(1.1)).run();

        GradCheckReport merged = good.merge(bad);

        assertThat(merged.checks()).isEqualTo(good.checks() + bad.checks());
        assertThat(merged.worst()).isEqualTo(bad.worst());
        assertThat(merged.passed()).isFalse();
    }

    @Test
    void relativeErrorFloorIsTheNoiseOverTheThreshold() {
        Comparison c = new Comparison(GradientCheck.DEFAULT_STEP, 1e-6);

        assertThat(c.relativeError(1.0, 1.0, 0)).isZero();
        assertThat(c.relativeError(1.1, 1.0, 0)).isCloseTo(0.1 / 2.1, org.assertj.core.data.Offset.offset(1e-15));
        assertThat(c.relativeError(2e-12, 1e-12, 1e-10)).isCloseTo(1e-12 / 1e-4, org.assertj.core.data.Offset.offset(1e-20));
        assertThat(c.relativeError(Double.NaN, 1.0, 0)).isInfinite();
    }

    @Test
    void aZeroDerivativeWithCurvatureIsNotAFalseFailure() {
        // f(x) = x^3: f'(0) = 0 exactly, while the central difference there is h^2 (about 1e-12)
        var report = GradientCheck.activation("cube", () -> new ElementwiseActivation() {
            @Override
            protected Expr function(Expr x) {
                return x.square().mul(x);
            }

            @Override
            protected Expr derivative(Expr x, Expr y) {
                return x.square().mul(3);
            }
        }).edgeValues(0.0).tailValues().run();
        report.assertPasses();
    }
}
