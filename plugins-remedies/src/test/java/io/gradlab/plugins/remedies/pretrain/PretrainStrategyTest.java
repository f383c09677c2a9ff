package io.gradlab.plugins.remedies.pretrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gradlab.api.GradlabException;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.ModelBuilder;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.RandomSource;
import io.gradlab.api.tensor.SeededRandom;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.api.train.TrainingControl;
import io.gradlab.api.train.TrainingStrategy;
import io.gradlab.plugins.remedies.support.TestLayers;
import io.gradlab.testkit.ReferenceOps;
import io.gradlab.testkit.TestContexts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class PretrainStrategyTest {
    private static final Ops OPS = new ReferenceOps();

    /** Inputs in [0, 1] with structure: two prototypes and noise. */
    private static Tensor data(int rows, int cols, long seed) {
        SeededRandom r = new SeededRandom(seed);
        Tensor x = Tensor.zeros(DType.F64, rows, cols);
        for (int i = 0; i < rows; i++) {
            int proto = i % 2;
            for (int j = 0; j < cols; j++) {
                double base = (j % 2 == proto) ? 0.9 : 0.1;
                x.set(i, j, Math.min(1, Math.max(0, base + 0.05 * r.nextGaussian())));
            }
        }
        return x;
    }

    /** A dense layer and its activation, built for {@code in} features. */
    private static Layer[] encoder(int in, int units) {
        Layer dense = new TestLayers.Dense("hidden1", units);
        Layer act = new TestLayers.Tanh("act1");
        act.build(dense.build(in, TestContexts.f64(7)), TestContexts.f64(7));
        return new Layer[] {dense, act};
    }

    private static List<Parameter> params(Layer[] layers) {
        List<Parameter> out = new ArrayList<>();
        for (Layer l : layers) {
            out.addAll(l.parameters());
        }
        return out;
    }

    /**
     * The step's update is exactly {@code -lr * gradient}: it must match central differences of the loss the
     * step reports (with {@code lr = 0} nothing moves), for the encoder's weight (through both paths when tied)
     * and bias.
     */
    @ParameterizedTest
    @CsvSource({"true, true", "true, false", "false, true", "false, false"})
    void theUpdateIsTheGradientOfTheReconstructionLoss(boolean tied, boolean crossEntropy) {
        Tensor x = data(6, 5, 1);
        Layer[] enc = encoder(5, 3);
        LayerAutoencoder ae = new LayerAutoencoder(enc[0], enc[1], tied, crossEntropy, 0, OPS, new SeededRandom(3));
        List<Parameter> ps = params(enc);
        List<Tensor> before = ps.stream().map(p -> p.value().copy()).toList();
        double lr = 1e-7; // so small that the decoder's own update does not move the point the differences are taken at
        ae.step(x, lr);
        List<Tensor> after = ps.stream().map(p -> p.value().copy()).toList();
        double h = 1e-6;
        for (int k = 0; k < ps.size(); k++) {
            Parameter p = ps.get(k);
            for (int i = 0; i < p.value().size(); i++) {
                double analytic = (before.get(k).get(i) - after.get(k).get(i)) / lr;
                for (int m = 0; m < ps.size(); m++) {
                    ps.get(m).value().copyFrom(before.get(m));
                }
                p.value().set(i, before.get(k).get(i) + h);
                double up = ae.step(x, 0);
                p.value().set(i, before.get(k).get(i) - h);
                double down = ae.step(x, 0);
                double numeric = (up - down) / (2 * h);
                assertThat(numeric).as("%s[%d] has a gradient", p.name(), i).isNotZero();
                assertThat(analytic).as("%s[%d] tied=%s ce=%s", p.name(), i, tied, crossEntropy)
                        .isCloseTo(numeric, org.assertj.core.api.Assertions.within(1e-6 + 1e-4 * Math.abs(numeric)));
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"true, true, 0.0", "false, false, 0.0", "true, true, 0.3"})
    void trainingReducesTheReconstructionLoss(boolean tied, boolean crossEntropy, double corruption) {
        Tensor x = data(32, 8, 2);
        Layer[] enc = encoder(8, 4);
        LayerAutoencoder ae = new LayerAutoencoder(enc[0], enc[1], tied, crossEntropy, corruption, OPS, new SeededRandom(5));
        double first = ae.step(x, 0.0);
        double last = first;
        for (int i = 0; i < 300; i++) {
            last = ae.step(x, 0.5);
        }
        assertThat(last).as("loss after 300 steps vs before").isLessThan(0.7 * first);
    }

    /** Feeds fixed input batches, records what the strategy does. */
    static final class FakeControl implements TrainingControl {
        final TestLayers.Builder builder = new TestLayers.Builder(8, 3);
        final int epochs;
        final List<String> calls = new ArrayList<>();
        final List<Map<String, Object>> records = new ArrayList<>();
        final Tensor inputs = data(40, 8, 9);
        Layer model;

        FakeControl(int epochs) {
            this.epochs = epochs;
        }

        @Override
        public int epochs() {
            return epochs;
        }

        @Override
        public ModelBuilder builder() {
            return builder;
        }

        @Override
        public Layer model() {
            return model;
        }

        @Override
        public void setModel(Layer m) {
            assertThat(m.build(8, TestContexts.f64())).isEqualTo(3);
            model = m;
            calls.add("model " + m.children().size());
        }

        @Override
        public void trainEpoch(String stage) {
            calls.add("epoch " + stage);
        }

        @Override
        public void record(Map<String, Object> values) {
            records.add(Map.copyOf(values));
        }

        @Override
        public Ops ops() {
            return OPS;
        }

        @Override
        public RandomSource random(String name) {
            return new SeededRandom(1).fork(name);
        }

        @Override
        public void forEachInputBatch(String phase, Consumer<Tensor> step) {
            calls.add("pass " + phase);
            for (int from = 0; from < inputs.rows(); from += 16) {
                step.accept(inputs.slice(from, Math.min(inputs.rows(), from + 16)));
            }
        }
    }

    static TrainingStrategy create(Map<String, Object> params) {
        return TestContexts.create(PretrainFactory.factory(), params);
    }

    @Test
    void eachLayerIsPretrainedInTurnThenTheWholeStackIsFineTunedOnTheRestOfTheBudget() {
        FakeControl c = new FakeControl(8);
        create(Map.of("layers", 3, "width", 4, "pretrain-epochs", 2, "pretrain-lr", 0.5)).run(c);
        assertThat(c.calls).containsExactly("model 7", "pass pretrain-hidden1-0", "pass pretrain-hidden1-1", "pass pretrain-hidden2-0",
                "pass pretrain-hidden2-1", "pass pretrain-hidden3-0", "pass pretrain-hidden3-1", "epoch fine-tune", "epoch fine-tune");
        assertThat(c.records).singleElement().satisfies(r -> {
            assertThat(r).containsKeys("pretrain_loss_hidden1", "pretrain_loss_hidden2", "pretrain_loss_hidden3")
                    .containsEntry("pretrain_epochs", 6);
            assertThat((Double) r.get("pretrain_loss_hidden1")).isPositive().isFinite();
        });
        assertThat(c.builder.calls).contains("dense hidden1 4 pytorch-default sigmoid", "activation act3 sigmoid");
    }

    @Test
    void aBudgetThatLeavesNoFineTuningIsAClearError() {
        assertThatThrownBy(() -> create(Map.of("layers", 7, "pretrain-epochs", 2)).run(new FakeControl(14)))
                .isInstanceOf(GradlabException.class)
                .hasMessageContaining("14 epochs leave none for fine-tuning after 7 layers x 2 pretraining epochs")
                .hasMessageContaining("give more than 14 epochs");
    }
}
