package io.gradlab.engine.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gradlab.api.nn.Initializer;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.LayerHook;
import io.gradlab.api.nn.Loss;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.SeededRandom;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.engine.builtin.Sigmoid;
import io.gradlab.engine.builtin.Tanh;
import io.gradlab.engine.kernel.BlasOps;
import io.gradlab.engine.nn.ActivationLayer;
import io.gradlab.engine.nn.DefaultBuildContext;
import io.gradlab.engine.nn.Dense;
import io.gradlab.engine.nn.Sequential;
import io.gradlab.engine.nn.SoftmaxCrossEntropy;
import io.gradlab.engine.registry.ComponentRegistry;
import io.gradlab.engine.registry.PluginHost;
import io.gradlab.engine.registry.PluginHostConfig;
import io.gradlab.engine.spec.SpecLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The step split by rows over the kernel threads trains as the whole batch does: the same losses, gradients and
 * figures up to float64 rounding, the same bits when run again, and diagnostics that see the whole batch.
 */
class ShardedStepTest {
    private static ComponentRegistry registry;

    @BeforeAll
    static void loadRegistry() {
        registry = new PluginHost(new PluginHostConfig(null, true)).load();
    }

    private static final int IN = 12;

    /** An MLP of {@code IN -> 16 -> 16 -> 5}, float64, the same weights for every seed-1 build. */
    private static Layer mlp(BlasOps ops) {
        Layer m = new Sequential("mlp", List.of(
                new Dense("hidden1", 16, true, null, null, "tanh"), new ActivationLayer("act1", "tanh", new Tanh()),
                new Dense("hidden2", 16, true, null, null, "sigmoid"), new ActivationLayer("act2", "sigmoid", new Sigmoid()),
                new Dense("output", 5, true, null, null, null)));
        return built(m, ops, 1);
    }

    /** {@code m} built for {@code IN} inputs in float64 with the PyTorch default initialization from {@code seed}. */
    private static Layer built(Layer m, BlasOps ops, long seed) {
        Initializer init = registry.initializer(io.gradlab.api.ComponentSpec.of("pytorch-default"), "test");
        m.build(IN, new DefaultBuildContext(DType.F64, ops, new SeededRandom(seed), init, null));
        m.setInputGradientRequired(false);
        return m;
    }

    private static Tensor[] batch(int rows) {
        SeededRandom r = new SeededRandom(5);
        Tensor x = Tensor.zeros(DType.F64, rows, IN);
        Tensor y = Tensor.zeros(DType.F64, rows, 1);
        for (int i = 0; i < x.size(); i++) {
            x.set(i, r.nextGaussian());
        }
        for (int i = 0; i < rows; i++) {
            y.set(i, r.nextInt(5));
        }
        return new Tensor[] {x, y};
    }

    private static List<Parameter> parameters(Layer layer) {
        List<Parameter> out = new ArrayList<>(layer.parameters());
        for (Layer child : layer.children()) {
            out.addAll(parameters(child));
        }
        return out;
    }

    /** The split step of {@code model}, an MLP of {@link #mlp}, with copies built the same way. */
    private static ShardedStep split(BlasOps ops, Layer model) {
        return ShardedStep.create(model, () -> new ModelCopy(mlp(ops), new SoftmaxCrossEntropy()), ops, DType.F64);
    }

    @Test
    void aSplitStepGivesTheWholeBatchsLossGradientsAndOutputs() {
        BlasOps ops = BlasOps.create("auto", 2);
        Layer whole = mlp(ops);
        Layer model = mlp(ops);
        Loss loss = new SoftmaxCrossEntropy();
        ShardedStep sharded = split(ops, model);
        assertThat(sharded).as("an MLP's rows are independent").isNotNull();
        Tensor[] b = batch(45); // odd: ranges of 22 and 23 rows
        assertThat(sharded.applies(45)).isTrue();
        assertThat(sharded.applies(2 * ShardedStep.MIN_ROWS - 1)).as("too few rows for two ranges").isFalse();
        assertThat(sharded.applies(4096)).as("a large batch").isTrue();

        Tensor out = whole.forward(b[0], Mode.TRAIN);
        Tensor gradOut = Tensor.zeros(DType.F64, out.rows(), out.cols());
        double expectedLoss = loss.forwardBackward(out, b[1], gradOut, ops);
        whole.backward(gradOut);

        List<io.gradlab.api.diag.LayerView> leaves = new ArrayList<>();
        for (Layer leaf : List.of(model.children().get(0), model.children().get(1), model.children().get(2), model.children().get(3),
                model.children().get(4))) {
            Parameter w = leaf.parameters().isEmpty() ? null : leaf.parameters().get(0);
            leaves.add(new io.gradlab.api.diag.LayerView(leaf.name(), leaf, w, null));
        }
        List<io.gradlab.api.diag.LayerView> views = sharded.views(leaves);
        for (int step = 0; step < 2; step++) { // the second step: the copies' gradients were zeroed as they were added
            double l = sharded.forwardBackward(b[0], b[1], 5);
            assertThat(l).isCloseTo(expectedLoss, within(1e-12));
            assertThat(sharded.correct()).isEqualTo(Evaluator.correct(out, b[1], 5));
            List<Parameter> expected = parameters(whole);
            List<Parameter> actual = parameters(model);
            for (int i = 0; i < expected.size(); i++) {
                Tensor e = expected.get(i).grad();
                Tensor a = actual.get(i).grad();
                for (int k = 0; k < e.size(); k++) {
                    assertThat(a.get(k)).as("gradient %d element %d", i, k).isCloseTo(e.get(k), within(1e-12));
                }
            }
            for (int v = 0; v < views.size(); v++) {
                Tensor e = whole.children().get(v).lastOutput();
                Tensor a = views.get(v).layer().lastOutput();
                assertThat(a.rows()).as("the view of %s shows the whole batch", views.get(v).name()).isEqualTo(45);
                for (int k = 0; k < e.size(); k++) {
                    assertThat(a.get(k)).isCloseTo(e.get(k), within(1e-12));
                }
                assertThat(views.get(v).layer().lastInput().rows()).isEqualTo(45);
                assertThat(views.get(v).layer().lastInput())
                        .as("the copies wrote %s's input into the rows of one buffer: it is shown, not gathered", views.get(v).name())
                        .isSameAs(v == 0 ? b[0] : views.get(v - 1).layer().lastOutput());
            }
            assertThat(sharded.lastPassSplit()).isTrue();
            assertThat(Math.sqrt(sharded.signalSquares(0)))
                    .as("the gradient hidden1's output received, over all the copies' ranges")
                    .isGreaterThan(0);
            assertThat(model.children().get(0).lastOutput()).as("the model itself runs no range of a split pass").isNull();
        }
        Tensor placed45 = views.get(0).layer().lastOutput();
        Tensor[] short40 = batch(40); // an epoch's short last batch, then a full one again: the buffers of each are kept
        sharded.forwardBackward(short40[0], short40[1], 5);
        assertThat(views.get(0).layer().lastOutput().rows()).isEqualTo(40);
        sharded.forwardBackward(b[0], b[1], 5);
        assertThat(views.get(0).layer().lastOutput()).as("the 45-row buffer of before").isSameAs(placed45);
        Tensor own = model.forward(b[0], Mode.EVAL);
        assertThat(own).isNotNull();
        sharded.wholePass();
        assertThat(views.get(0).layer().lastOutput()).as("after a whole pass the views show the model's own")
                .isSameAs(model.children().get(0).lastOutput()).isNotNull();
        assertThat(sharded.signalSquares(0)).as("after a whole pass the model's own hook has the signal").isZero();
    }

    @Test
    void diagnosticsSeeTheWholeBatchInEveryLayerTheWeightedOnesToo() {
        BlasOps ops = BlasOps.create("auto", 2);
        Layer model = mlp(ops);
        ShardedStep sharded = split(ops, model);
        ModelState state = new ModelState(DType.F64, ops, 1);
        state.bind(model, sharded);
        Tensor[] b = batch(45);
        sharded.forwardBackward(b[0], b[1], 5);
        assertThat(state.weightedLayers()).isNotEmpty();
        for (io.gradlab.api.diag.LayerView v : state.weightedLayers()) {
            assertThat(v.layer().lastInput()).as("%s's input in a split pass: the whole batch's (a precision count needs every row)", v.name())
                    .isNotNull();
            assertThat(v.layer().lastInput().rows()).isEqualTo(45);
            assertThat(v.layer().lastOutput().rows()).isEqualTo(45);
        }
        assertThat(state.weightedLayers().get(0).layer().lastInput()).isSameAs(b[0]);
    }

    @Test
    void weightsHandedOverOrSharedGiveTheSameBits() {
        BlasOps ops = BlasOps.create("auto", 2);
        Layer handed = mlp(ops);
        Layer shared = mlp(ops);
        ShardedStep a = split(ops, handed);
        ShardedStep b = split(ops, shared);
        a.handOverSetting("true");
        b.handOverSetting("false");
        Tensor[] x = batch(45);
        List<Parameter> pa = parameters(handed);
        List<Parameter> pb = parameters(shared);
        for (int step = 0; step < 4; step++) {
            if (step == 2) { // the host moved the threads: each switches
                a.handOverSetting("false");
                a.handOver(false);
                b.handOverSetting("true");
                b.handOver(true);
            }
            for (int i = 0; i < pa.size(); i++) { // an optimizer's update between two steps
                for (int k = 0; k < pa.get(i).value().size(); k++) {
                    double changed = pa.get(i).value().get(k) * 0.9 + 0.001 * ((k + 3 * i + step) % 7 - 3);
                    pa.get(i).value().set(k, changed);
                    pb.get(i).value().set(k, changed);
                }
            }
            double la = a.forwardBackward(x[0], x[1], 5);
            double lb = b.forwardBackward(x[0], x[1], 5);
            assertThat(a.handingOver()).isEqualTo(step < 2);
            assertThat(b.handingOver()).isEqualTo(step >= 2);
            assertThat(la).as("step %d: the same loss to the bit", step).isEqualTo(lb);
            for (int i = 0; i < pa.size(); i++) {
                for (int k = 0; k < pa.get(i).grad().size(); k++) {
                    assertThat(pa.get(i).grad().get(k)).as("step %d gradient %d element %d", step, i, k).isEqualTo(pb.get(i).grad().get(k));
                }
            }
        }
        ShardedStep tuned = split(ops, mlp(ops));
        tuned.handOverSetting("auto");
        boolean tried = false;
        boolean was = tuned.handingOver();
        for (int step = 0; step < 2 * ModeTuner.BLOCK + 1; step++) {
            tuned.forwardBackward(x[0], x[1], 5);
            tried |= tuned.handingOver() != was;
        }
        assertThat(tried).as("the first trial of the tuning tries the other mode").isTrue();
    }

    /** {@code parts}' rows, one after the other, in a tensor of their own. */
    private static Tensor rowsOf(Tensor... parts) {
        int rows = 0;
        for (Tensor p : parts) {
            rows += p.rows();
        }
        Tensor all = Tensor.zeros(DType.F64, rows, parts[0].cols());
        int at = 0;
        for (Tensor p : parts) {
            System.arraycopy(p.doubles(), p.offset(), all.doubles(), at, p.size());
            at += p.size();
        }
        return all;
    }

    @Test
    void eachDenseLayersGradientsAreOneProductOverTheWholeBatchWhereThatMovesLessThanTheSum() {
        BlasOps ops = BlasOps.create("auto", 2);
        Layer whole = mlp(ops);
        Layer model = mlp(ops);
        List<Layer> copies = new ArrayList<>();
        ShardedStep sharded = ShardedStep.create(model, () -> {
            Layer c = mlp(ops);
            copies.add(c);
            return new ModelCopy(c, new SoftmaxCrossEntropy());
        }, ops, DType.F64);
        // 12 -> 16 -> 16 -> 5: (16 * 13 + 16 * 17 + 5 * 17) gradients against (12 + 16) + (16 + 16) + (16 + 5) rows' numbers
        assertThat(sharded.wholeRows()).as("the rows up to which the whole batch's products move fewer numbers").isEqualTo(565 / 81);
        sharded.wholeRows(45);
        int[] dense = {0, 2, 4};
        Tensor[][] gradOutputs = new Tensor[dense.length][copies.size()];
        for (int t = 0; t < copies.size(); t++) {
            for (int j = 0; j < dense.length; j++) {
                int copy = t;
                int layer = j;
                copies.get(t).children().get(dense[j]).addHook(new LayerHook() {
                    @Override
                    public void afterBackward(Layer l, Tensor gradOutput, Tensor gradInput) {
                        gradOutputs[layer][copy] = gradOutput.copy();
                    }
                });
            }
        }
        Tensor[] b = batch(45);
        Tensor out = whole.forward(b[0], Mode.TRAIN);
        Tensor gradOut = Tensor.zeros(DType.F64, out.rows(), out.cols());
        new SoftmaxCrossEntropy().forwardBackward(out, b[1], gradOut, ops);
        whole.backward(gradOut);
        for (int step = 0; step < 4; step++) {
            sharded.wholeRows(step == 2 ? 44 : 45); // step 2 sums the copies' gradients, as a 45-row batch of a larger network would
            sharded.forwardBackward(b[0], b[1], 5);
            List<Parameter> expected = parameters(whole);
            List<Parameter> actual = parameters(model);
            for (int i = 0; i < expected.size(); i++) {
                for (int k = 0; k < expected.get(i).grad().size(); k++) {
                    assertThat(actual.get(i).grad().get(k)).as("step %d gradient %d element %d", step, i, k)
                            .isCloseTo(expected.get(i).grad().get(k), within(1e-12));
                }
            }
            if (step == 2) {
                continue;
            }
            for (int j = 0; j < dense.length; j++) {
                Dense d = (Dense) model.children().get(dense[j]);
                Tensor dy = rowsOf(gradOutputs[j]);
                Tensor x = rowsOf(copies.get(0).children().get(dense[j]).lastInput(), copies.get(1).children().get(dense[j]).lastInput());
                assertThat(dy.rows()).isEqualTo(45);
                Tensor w = Tensor.zeros(DType.F64, d.weight().value().shape());
                ops.gemm(true, false, 1.0, dy, x, 0.0, w);
                Tensor bias = Tensor.zeros(DType.F64, d.units());
                ops.sumRows(dy, 0.0, bias);
                assertThat(d.weight().grad().toDoubleArray()).as("step %d, %s: dY^T X of all 45 rows, to the bit", step, d.name())
                        .containsExactly(w.toDoubleArray());
                assertThat(d.bias().grad().toDoubleArray()).as("step %d, %s: the column sums of dY", step, d.name())
                        .containsExactly(bias.toDoubleArray());
                for (Layer c : copies) {
                    for (Parameter p : c.children().get(dense[j]).parameters()) {
                        assertThat(p.grad().toDoubleArray()).as("the copies' own gradients are not used (and zero after a summed step)")
                                .containsOnly(0.0);
                    }
                }
            }
        }
    }

    @Test
    void whicheverThreadComputesALayersWholeBatchGradientsTheBitsAreTheSame() {
        BlasOps ops = BlasOps.create("auto", 2);
        Layer first = mlp(ops);
        Layer second = mlp(ops);
        ShardedStep a = split(ops, first);
        ShardedStep b = split(ops, second);
        a.wholeRows(45);
        b.wholeRows(45);
        a.wholeParts(0, 0, 3); // thread 1 computes all three dense layers' gradients
        b.wholeParts(0, 3, 3); // thread 0 does
        Tensor[] x = batch(45);
        assertThat(a.forwardBackward(x[0], x[1], 5)).isEqualTo(b.forwardBackward(x[0], x[1], 5));
        List<Parameter> pa = parameters(first);
        List<Parameter> pb = parameters(second);
        for (int i = 0; i < pa.size(); i++) {
            assertThat(pa.get(i).grad().toDoubleArray()).as("gradient %d", i).containsExactly(pb.get(i).grad().toDoubleArray());
        }
    }

    @Test
    void theReferenceNetworkComputesWholeBatchGradientsAtBatch64AndSumsThemAt512AndAWideOneAlways() {
        BlasOps ops = BlasOps.create("auto", 2);
        java.util.function.Supplier<Layer> reference = () -> {
            List<Layer> layers = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                layers.add(new Dense("hidden" + i, 128, true, null, null, "sigmoid"));
                layers.add(new ActivationLayer("act" + i, "sigmoid", new Sigmoid()));
            }
            layers.add(new Dense("output", 10, true, null, null, null));
            Layer m = new Sequential("reference", layers);
            Initializer init = registry.initializer(io.gradlab.api.ComponentSpec.of("pytorch-default"), "test");
            m.build(784, new DefaultBuildContext(DType.F32, ops, new SeededRandom(1), init, null));
            return m;
        };
        ShardedStep step = ShardedStep.create(reference.get(), () -> new ModelCopy(reference.get(), new SoftmaxCrossEntropy()), ops, DType.F32);
        // 200 842 gradients against 2 586 numbers per row: (784 + 128) + 6 * (128 + 128) + (128 + 10)
        assertThat(step.wholeRows()).isEqualTo(200_842 / 2_586).isBetween(64, 511);

        java.util.function.Supplier<Layer> wide = () -> { // one wide layer and a small one: not shared out evenly
            Layer m = new Sequential("wide", List.of(new Dense("hidden", 512, true, null, null, "sigmoid"),
                    new ActivationLayer("act", "sigmoid", new Sigmoid()), new Dense("output", 10, true, null, null, null)));
            Initializer init = registry.initializer(io.gradlab.api.ComponentSpec.of("pytorch-default"), "test");
            m.build(784, new DefaultBuildContext(DType.F32, ops, new SeededRandom(1), init, null));
            return m;
        };
        ShardedStep wideStep = ShardedStep.create(wide.get(), () -> new ModelCopy(wide.get(), new SoftmaxCrossEntropy()), ops, DType.F32);
        assertThat(wideStep.wholeRows()).as("784 -> 512 -> 10: the first layer alone is 98% of the work").isZero();
    }

    @Test
    void theWholeBatchGradientsAreSharedOutInContiguousRunsOfEvenWork() {
        int[] two = new int[3];
        ShardedStep.shareOut(new long[] {100_480, 16_512, 16_512, 16_512, 16_512, 16_512, 16_512, 1_290}, two);
        assertThat(two).as("the reference network: its first layer is half of the work").containsExactly(0, 1, 8);
        ShardedStep.shareOut(new long[] {5, 5, 5, 5}, two);
        assertThat(two).containsExactly(0, 2, 4);
        int[] three = new int[4];
        ShardedStep.shareOut(new long[] {90, 5, 5}, three);
        assertThat(three).as("a part may get nothing: each layer goes where the middle of its work falls").containsExactly(0, 0, 1, 3);
        ShardedStep.shareOut(new long[] {}, three);
        assertThat(three).containsExactly(0, 0, 0, 0);
        ShardedStep.shareOut(new long[] {10, 80, 10}, three);
        assertThat(three).containsExactly(0, 1, 2, 3);
    }

    @Test
    void theCopiesComputeWithTheModelsWeightsAsTheyAreAtEachStep() {
        BlasOps ops = BlasOps.create("auto", 2);
        Layer whole = mlp(ops);
        Layer model = mlp(ops);
        Loss loss = new SoftmaxCrossEntropy();
        ShardedStep sharded = split(ops, model);
        Tensor[] b = batch(45);
        sharded.forwardBackward(b[0], b[1], 5);
        List<Parameter> wholeParams = parameters(whole);
        List<Parameter> params = parameters(model);
        for (int step = 0; step < 3; step++) {
            // what an optimizer, a resume or a strategy does to the model's weights between two steps
            for (int i = 0; i < params.size(); i++) {
                Tensor w = params.get(i).value();
                Tensor we = wholeParams.get(i).value();
                for (int k = 0; k < w.size(); k++) {
                    double changed = w.get(k) * (0.5 + step) + 0.01 * ((k * 7 + i + step) % 11 - 5);
                    w.set(k, changed);
                    we.set(k, changed);
                }
                wholeParams.get(i).grad().fill(0);
            }
            Tensor out = whole.forward(b[0], Mode.TRAIN);
            Tensor gradOut = Tensor.zeros(DType.F64, out.rows(), out.cols());
            double expectedLoss = loss.forwardBackward(out, b[1], gradOut, ops);
            whole.backward(gradOut);
            assertThat(sharded.forwardBackward(b[0], b[1], 5)).as("step %d's loss, with the weights changed", step)
                    .isCloseTo(expectedLoss, within(1e-12));
            for (int i = 0; i < params.size(); i++) {
                Tensor e = wholeParams.get(i).grad();
                Tensor a = params.get(i).grad();
                for (int k = 0; k < e.size(); k++) {
                    assertThat(a.get(k)).as("step %d gradient %d element %d", step, i, k).isCloseTo(e.get(k), within(1e-12));
                }
            }
        }
    }

    @Test
    void threeThreadsLayersWithoutBiasAndEitherWayOfGettingTheWeightsGiveTheWholeBatchsGradients() {
        BlasOps ops = BlasOps.create("auto", 3);
        java.util.function.Supplier<Layer> net = () -> built(new Sequential("mlp", List.of(
                new Dense("hidden1", 16, false, null, null, "tanh"), new ActivationLayer("act1", "tanh", new Tanh()),
                new Dense("hidden2", 16, true, null, null, "sigmoid"), new ActivationLayer("act2", "sigmoid", new Sigmoid()),
                new Dense("output", 5, false, null, null, null))), ops, 1);
        Layer whole = net.get();
        Tensor[] b = batch(50); // ranges of 16, 17 and 17 rows
        Tensor out = whole.forward(b[0], Mode.TRAIN);
        Tensor gradOut = Tensor.zeros(DType.F64, out.rows(), out.cols());
        double expectedLoss = new SoftmaxCrossEntropy().forwardBackward(out, b[1], gradOut, ops);
        whole.backward(gradOut);
        for (String handOver : List.of("true", "false")) {
            for (int rows : new int[] {50, 0}) { // the gradients of the dense layers over the whole batch; summed from the copies'
                Layer model = net.get();
                ShardedStep sharded = ShardedStep.create(model, () -> new ModelCopy(net.get(), new SoftmaxCrossEntropy()), ops, DType.F64);
                sharded.handOverSetting(handOver);
                sharded.wholeRows(rows);
                for (int step = 0; step < 2; step++) {
                    assertThat(sharded.forwardBackward(b[0], b[1], 5)).isCloseTo(expectedLoss, within(1e-12));
                    List<Parameter> expected = parameters(whole);
                    List<Parameter> actual = parameters(model);
                    assertThat(actual).hasSize(4);
                    for (int i = 0; i < expected.size(); i++) {
                        for (int k = 0; k < expected.get(i).grad().size(); k++) {
                            assertThat(actual.get(i).grad().get(k)).as("hand-over %s, whole up to %d rows, step %d, gradient %d element %d",
                                    handOver, rows, step, i, k).isCloseTo(expected.get(i).grad().get(k), within(1e-12));
                        }
                    }
                }
            }
        }
    }

    @Test
    void itAppliesOnlyWhereItCan() {
        BlasOps two = BlasOps.create("auto", 2);
        Loss loss = new SoftmaxCrossEntropy();
        assertThat(ShardedStep.create(mlp(two), null, two, DType.F64)).as("no way to build copies").isNull();
        BlasOps one = BlasOps.create("auto", 1);
        assertThat(ShardedStep.create(mlp(one), () -> new ModelCopy(mlp(one), loss), one, DType.F64))
                .as("one kernel thread").isNull();
        Layer notIndependent = new Sequential("m", List.of(new Dense("d", 4, true, null, null, null), new PlainLayer("batch-statistics") {
            @Override
            public Tensor forward(Tensor input, Mode mode) {
                return input;
            }

            @Override
            public Tensor backward(Tensor gradOutput) {
                return gradOutput;
            }
        }));
        assertThat(notIndependent.independentRows()).as("a layer says nothing: its rows are not independent").isFalse();
        assertThat(ShardedStep.create(notIndependent, () -> new ModelCopy(mlp(two), loss), two, DType.F64)).isNull();
    }

    /** A layer of these tests that is not an {@code AbstractLayer}: its output is as wide as its input. */
    private abstract static class PlainLayer implements Layer {
        private final String name;

        PlainLayer(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String type() {
            return "test";
        }

        @Override
        public int build(int inputWidth, io.gradlab.api.nn.BuildContext ctx) {
            return inputWidth;
        }
    }

    /** Doubles its input into a buffer of its own: a leaf that is not an {@code AbstractLayer}, whose rows are gathered. */
    private static final class Doubler extends PlainLayer {
        private final io.gradlab.api.nn.AbstractLayer.BufferCache outs = new io.gradlab.api.nn.AbstractLayer.BufferCache();
        private Tensor in;
        private Tensor out;

        Doubler() {
            super("doubler");
        }

        @Override
        public Tensor forward(Tensor input, Mode mode) {
            in = input;
            out = outs.get(input.dtype(), input.rows(), input.cols());
            for (int k = 0; k < input.size(); k++) {
                out.set(k, 2 * input.get(k));
            }
            return out;
        }

        @Override
        public Tensor backward(Tensor gradOutput) {
            Tensor g = Tensor.zeros(gradOutput.dtype(), gradOutput.shape());
            for (int k = 0; k < g.size(); k++) {
                g.set(k, 2 * gradOutput.get(k));
            }
            return g;
        }

        @Override
        public boolean independentRows() {
            return true;
        }

        @Override
        public Tensor lastInput() {
            return in;
        }

        @Override
        public Tensor lastOutput() {
            return out;
        }
    }

    private static Layer withDoubler(BlasOps ops) {
        Layer m = new Sequential("m", List.of(new Dense("hidden1", 8, true, null, null, "tanh"), new Doubler(),
                new Dense("output", 5, true, null, null, null)));
        return built(m, ops, 2);
    }

    @Test
    void theRowsOfALeafThatIsNotAnAbstractLayerAreGathered() {
        BlasOps ops = BlasOps.create("auto", 2);
        Layer whole = withDoubler(ops);
        Layer model = withDoubler(ops);
        ShardedStep sharded = ShardedStep.create(model, () -> new ModelCopy(withDoubler(ops), new SoftmaxCrossEntropy()), ops, DType.F64);
        Tensor[] b = batch(40);
        whole.forward(b[0], Mode.TRAIN);
        List<io.gradlab.api.diag.LayerView> leaves = new ArrayList<>();
        for (Layer leaf : model.children()) {
            leaves.add(new io.gradlab.api.diag.LayerView(leaf.name(), leaf, null, null));
        }
        List<io.gradlab.api.diag.LayerView> views = sharded.views(leaves);
        sharded.forwardBackward(b[0], b[1], 5);
        Layer doubled = views.get(1).layer();
        assertThat(doubled.lastInput()).as("hidden1's placed output").isSameAs(views.get(0).layer().lastOutput());
        assertThat(doubled.lastOutput()).as("gathered into a buffer of the view's own")
                .isNotSameAs(model.children().get(1).lastOutput());
        assertThat(views.get(2).layer().lastInput().rows()).isEqualTo(40);
        Tensor e = whole.children().get(1).lastOutput();
        Tensor a = doubled.lastOutput();
        assertThat(a.rows()).isEqualTo(40);
        for (int k = 0; k < e.size(); k++) {
            assertThat(a.get(k)).isCloseTo(e.get(k), within(1e-12));
        }
        Tensor eo = whole.children().get(2).lastOutput();
        Tensor ao = views.get(2).layer().lastOutput();
        for (int k = 0; k < eo.size(); k++) {
            assertThat(ao.get(k)).isCloseTo(eo.get(k), within(1e-12));
        }
    }

    private static List<EpochMetrics> train(String activation, boolean split) {
        var spec = SpecLoader.parse("""
                name: sharded
                data: {source: {id: fashion-mnist, subset: embedded}, validation: 500}
                model:
                  architecture: {id: mlp, depth: 3, width: 32, activation: %s}
                training: {epochs: 2, batch-size: 64, dtype: f64, optimizer: {id: sgd, lr: 0.1}, seed: 3}
                """.formatted(activation), "sharded.yaml", Path.of("."), List.of());
        return SplitSteps.with(split, () -> {
            ExperimentRunner runner = new ExperimentRunner(registry, BlasOps.create("auto", 2));
            return runner.run(spec, new RunOptions(Path.of("."), Optional.empty(), false), TrainingListener.NONE).history();
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"sigmoid", "tanh"})
    void trainingSplitByRowsGivesTheWholeBatchsFiguresAndTheSameBitsTwice(String activation) {
        List<EpochMetrics> whole = train(activation, false);
        List<EpochMetrics> split = train(activation, true);
        List<EpochMetrics> again = train(activation, true);
        assertThat(split).hasSize(2);
        SplitSteps.assertSameTraining(split, whole, 1e-9);
        for (int e = 0; e < split.size(); e++) {
            assertThat(again.get(e).trainLoss()).as("the same bits, run again").isEqualTo(split.get(e).trainLoss());
            for (int l = 0; l < split.get(e).layers().size(); l++) {
                assertThat(again.get(e).layers().get(l).gradNorm()).isEqualTo(split.get(e).layers().get(l).gradNorm());
            }
        }
    }
}
