package io.gradlab.plugins.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gradlab.api.diag.Diagnostic;
import io.gradlab.api.diag.Finding;
import io.gradlab.api.diag.LayerView;
import io.gradlab.api.nn.Activation;
import io.gradlab.api.nn.ElementwiseActivation;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Expr;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.plugins.diagnostics.Fakes.FakeLayer;
import io.gradlab.plugins.diagnostics.Fakes.FakeModel;
import io.gradlab.plugins.diagnostics.Fakes.RecordingSink;
import io.gradlab.testkit.ReferenceOps;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The figures the per-step diagnostics compute with kernel reductions (saturated and dead units,
 * activation statistics, the NaN scan) against their plain per-element definitions, in float32 and
 * float64, with special values, borderline values and slices. The kernels are {@link ReferenceOps},
 * which evaluate every expression in double: the counts are exactly the definition's, even for the
 * elements on the floats next to the saturation limit. (The engine evaluates a float32 derivative in
 * float32, which can move an element that close across the limit; the engine's {@code
 * ModelViewOpsTest} bounds how often.)
 */
class KernelFiguresTest {
    private static final Ops OPS = new ReferenceOps();
    private static final float[] SPECIAL = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, Float.MIN_VALUE,
        -Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE, 1f, -1f};

    // ---- saturation ----

    /** Per unit, the rows with {@code |f'(x, y)| < limit}, the derivative in double (of backward() for an activation with parameters). */
    private static long[] definition(Activation activation, Tensor x, Tensor y, double limit) {
        int units = y.cols();
        long[] counts = new long[units];
        Tensor g = null;
        if (!(activation instanceof ElementwiseActivation)) {
            Tensor ones = Tensor.zeros(y.dtype(), y.shape());
            ones.fill(1);
            g = Tensor.zeros(y.dtype(), y.shape());
            activation.backward(x, y, ones, g);
        }
        for (int i = 0; i < y.size(); i++) {
            double d = activation instanceof ElementwiseActivation e ? e.derivative(x.get(i), y.get(i)) : g.get(i);
            if (Math.abs(d) < limit) {
                counts[i % units]++;
            }
        }
        return counts;
    }

    /** {@code tanh}, derivative {@code 1 - y^2} (negative outside [-1, 1]). */
    private static final class Tanh extends ElementwiseActivation {
        @Override
        protected Expr function(Expr x) {
            return x.tanh();
        }

        @Override
        protected Expr derivative(Expr x, Expr y) {
            return y.square().rsub(1);
        }

        @Override
        public Family family() {
            return Family.SATURATING;
        }
    }

    /** A piecewise-linear sigmoid: 1/6 inside (-3, 3), 0 outside (a derivative of x, not y). */
    private static final class HardSigmoid extends ElementwiseActivation {
        @Override
        protected Expr function(Expr x) {
            return x.add(3).max(0).min(6).div(6);
        }

        @Override
        protected Expr derivative(Expr x, Expr y) {
            return Expr.where(x.gt(-3).mul(x.lt(3)), Expr.constant(1.0 / 6), 0);
        }

        @Override
        public Family family() {
            return Family.SATURATING;
        }

        @Override
        public double maxDerivative() {
            return 1.0 / 6;
        }
    }

    /** An activation with a parameter (not elementwise): {@code a * sigmoid(x)}, derivative {@code a s (1 - s)} with {@code s = y / a}. */
    private static final class ScaledSigmoid implements Activation {
        private final double a;

        ScaledSigmoid(double a) {
            this.a = a;
        }

        @Override
        public void forward(Tensor x, Tensor y) {
            for (int i = 0; i < x.size(); i++) {
                y.set(i, a / (1 + Math.exp(-x.get(i))));
            }
        }

        @Override
        public void backward(Tensor x, Tensor y, Tensor gradY, Tensor gradX) {
            for (int i = 0; i < x.size(); i++) {
                double s = y.get(i) / a;
                gradX.set(i, a * s * (1 - s) * gradY.get(i));
            }
        }

        @Override
        public Family family() {
            return Family.SATURATING;
        }

        @Override
        public double maxDerivative() {
            return a / 4;
        }
    }

    private static Activation activation(String name) {
        return switch (name) {
            case "sigmoid" -> new Fakes.Sigmoid();
            case "tanh" -> new Tanh();
            case "hard-sigmoid" -> new HardSigmoid();
            case "scaled" -> new ScaledSigmoid(3);
            default -> throw new IllegalArgumentException(name);
        };
    }

    /**
     * Pre-activations from wide normals, outputs from the activation; a third of the elements sit on
     * the floats next to the saturation limit, and a few are special values (NaN, infinities, zeros)
     * in the first, a middle and the last position.
     */
    private static Tensor[] batch(Random random, Activation activation, DType dtype, int rows, int units, double limit) {
        Tensor x = Tensor.zeros(dtype, rows, units);
        for (int i = 0; i < x.size(); i++) {
            x.set(i, random.nextGaussian() * 6);
        }
        Tensor y = Tensor.zeros(dtype, rows, units);
        activation.forward(x, y);
        if (activation instanceof Fakes.Sigmoid) {
            // y (1 - y) = limit at y = (1 - sqrt(1 - 4 limit)) / 2 and at 1 minus that
            double root = (1 - Math.sqrt(1 - 4 * limit)) / 2;
            for (int i = 0; i < y.size(); i += 3) {
                y.set(i, nextTo(random, random.nextBoolean() ? root : 1 - root));
            }
        } else if (activation instanceof Tanh) {
            double root = Math.sqrt(1 - limit);
            for (int i = 0; i < y.size(); i += 3) {
                y.set(i, nextTo(random, random.nextBoolean() ? root : -root));
            }
        } else if (activation instanceof HardSigmoid) {
            for (int i = 0; i < x.size(); i += 3) {
                x.set(i, nextTo(random, random.nextBoolean() ? 3 : -3));
            }
        }
        int[] at = {0, y.size() / 2, y.size() - 1};
        for (int i : at) {
            Tensor t = random.nextBoolean() ? x : y;
            t.set(i, SPECIAL[random.nextInt(SPECIAL.length)]);
        }
        return new Tensor[] {x, y};
    }

    /** {@code v} as a float, or one of the next three floats above or below it. */
    private static float nextTo(Random random, double v) {
        float f = (float) v;
        for (int k = random.nextInt(4); k > 0; k--) {
            f = random.nextBoolean() ? Math.nextUp(f) : Math.nextDown(f);
        }
        return f;
    }

    @ParameterizedTest
    @ValueSource(strings = {"sigmoid", "tanh", "hard-sigmoid", "scaled"})
    void saturatedCountsAreThoseOfTheDefinitionBatchAfterBatch(String name) {
        Random random = new Random(name.hashCode());
        Activation activation = activation(name);
        for (double threshold : new double[] {0.01, 0.3, 0.999}) {
            double limit = threshold * activation.maxDerivative();
            for (DType dtype : DType.values()) {
                int units = 1 + random.nextInt(37);
                Saturation.UnitCounts counts = new Saturation.UnitCounts(activation, units, limit);
                long[] expected = new long[units];
                for (int step = 0; step < 4; step++) { // batches of several lengths, accumulated
                    Tensor[] xy = batch(random, activation, dtype, 1 + random.nextInt(40), units, limit);
                    long[] d = definition(activation, xy[0], xy[1], limit);
                    for (int u = 0; u < units; u++) {
                        expected[u] += d[u];
                    }
                    counts.x = xy[0];
                    counts.y = xy[1];
                    int parts = 1 + step % 3; // split by rows as over 1, 2 or 3 kernel threads: the same counts
                    counts.countInParts(OPS, parts);
                    assertThat(counts.saturated).as("%s %s threshold %s step %d, %d parts", name, dtype, threshold, step, parts)
                            .containsExactly(expected);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sigmoid", "tanh", "hard-sigmoid", "scaled"})
    void theDiagnosticReportsWhatTheDefinitionsCountsGiveInFloat32AndFloat64(String name) {
        Random random = new Random(31 * name.hashCode());
        Activation activation = activation(name);
        double limit = 0.01 * activation.maxDerivative();
        int rows = 24;
        int units = 19;
        List<Tensor[]> batches = new ArrayList<>();
        for (int step = 0; step < 5; step++) {
            batches.add(batch(random, activation, DType.F32, step == 4 ? 7 : rows, units, limit)); // a short last batch
        }
        long[] reference = new long[units];
        long total = 0;
        for (Tensor[] xy : batches) {
            long[] c = definition(activation, xy[0], xy[1], limit);
            for (int u = 0; u < units; u++) {
                reference[u] += c[u];
            }
            total += xy[1].rows();
        }
        for (double majority : new double[] {0, 0.2, 0.5, 0.8}) {
            int saturated = 0;
            for (long c : reference) {
                saturated += c > majority * total ? 1 : 0;
            }
            double expected = (double) saturated / units;
            for (DType dtype : DType.values()) {
                Saturation s = new Saturation(1, 0.01, majority, 0.2, 0.5);
                FakeModel m = new FakeModel();
                FakeLayer layer = new FakeLayer("act1");
                m.add(new LayerView("act1", layer, null, activation));
                for (int epoch = 1; epoch <= 2; epoch++) { // the second epoch starts over
                    m.epoch = epoch;
                    for (Tensor[] xy : batches) {
                        layer.input = xy[0].to(dtype);
                        layer.output = xy[1].to(dtype);
                        m.step++;
                        s.afterBackward(m);
                    }
                    RecordingSink sink = new RecordingSink();
                    s.onEpochEnd(m, sink);
                    assertThat(sink.layer("act1", "saturated_fraction")).as("%s %s majority %s", name, dtype, majority).isEqualTo(expected);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, -0.0, -1.0, Double.NaN})
    void aLimitThatNothingIsBelowCountsNothing(double limit) {
        Tensor x = Tensor.of(DType.F32, new double[] {0, -0.0, 1e-30, Double.NEGATIVE_INFINITY, 5, -7}, 2, 3);
        Tensor y = Tensor.zeros(DType.F32, 2, 3); // derivative 0 everywhere for the sigmoid
        for (Activation a : List.of(new Fakes.Sigmoid(), new ScaledSigmoid(3))) {
            Saturation.UnitCounts counts = new Saturation.UnitCounts(a, 3, limit);
            counts.x = x;
            counts.y = y;
            counts.countInParts(OPS, 3); // more parts than rows: one part gets none
            assertThat(counts.saturated).containsOnly(0L);
            assertThat(counts.rows).isEqualTo(2);
        }
    }

    // ---- activation statistics ----

    private static Tensor values(Random random, DType dtype, int n, String kind) {
        Tensor t = Tensor.zeros(dtype, n);
        for (int i = 0; i < n; i++) {
            double v = switch (kind) {
                case "relu" -> Math.max(0, random.nextGaussian());
                case "zeros" -> random.nextBoolean() ? 0.0 : -0.0;
                case "positive-zeros" -> 0.0;
                case "negative-zeros" -> -0.0;
                case "constant" -> 0.5;
                case "nearly-constant" -> 0.5 + random.nextInt(3) * Math.ulp(0.5f);
                default -> random.nextGaussian() * 3;
            };
            t.set(i, v);
        }
        return t;
    }

    private static final String[] KINDS = {"normal", "relu", "zeros", "positive-zeros", "negative-zeros", "constant", "nearly-constant"};

    private static void assertSum(double actual, double expected, String what) {
        if (Double.isFinite(expected)) {
            assertThat(actual).as(what).isCloseTo(expected, within(1e-12 * Math.max(1, Math.abs(expected))));
        } else {
            assertThat(Double.valueOf(actual)).as(what).isEqualTo(Double.valueOf(expected)); // NaN or the same infinity
        }
    }

    /**
     * Whole epochs of batches (now and then a NaN or an infinity, also after the outputs are known to
     * vary): the mean and the standard deviation are those of all the values, and the
     * constant-activations finding comes exactly when every value is finite and all lie within the
     * tolerance, with their extremes as evidence; summed in one, two or three parts of the rows.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void anEpochOfActivationStatisticsIsThatOfAllItsValues(int seed) {
        Random random = new Random(seed);
        for (int epoch = 0; epoch < 60; epoch++) {
            String kind = KINDS[random.nextInt(KINDS.length)];
            boolean rectifying = random.nextBoolean();
            DType dtype = random.nextInt(4) == 0 ? DType.F64 : DType.F32;
            List<Tensor> batches = new ArrayList<>();
            int count = 1 + random.nextInt(6);
            for (int b = 0; b < count; b++) {
                Tensor t = values(random, dtype, 6 * 5, random.nextInt(3) == 0 ? KINDS[random.nextInt(KINDS.length)] : kind);
                if (random.nextInt(4) == 0) {
                    t.set(random.nextInt(t.size()), SPECIAL[random.nextInt(3)]); // NaN, +Infinity, -Infinity
                }
                batches.add(t.reshape(6, 5));
            }
            double n = 0;
            double sum = 0;
            double sq = 0;
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            boolean finite = true;
            for (Tensor t : batches) {
                double batchSum = 0; // batch by batch, as the diagnostic adds them: a near-constant std is all cancellation
                double batchSq = 0;
                for (int i = 0; i < t.size(); i++) {
                    double v = t.get(i);
                    batchSum += v;
                    batchSq += v * v;
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                    finite &= Double.isFinite(v);
                }
                n += t.size();
                sum += batchSum;
                sq += batchSq;
            }
            double mean = sum / n;
            double std = Math.sqrt(Math.max(0, sq / n - mean * mean));
            boolean allZeroRectifier = rectifying && max == 0 && min == 0;
            boolean finding = finite && !allZeroRectifier && max - min <= 1e-7 * Math.max(1, Math.abs(max));

            ActivationStats a = new ActivationStats(1);
            FakeModel m = new FakeModel();
            m.partThreads = 1 + seed % 3; // each part sums its rows: 1, 2 or 3 parts
            FakeLayer layer = new FakeLayer("act1");
            m.add(new LayerView("act1", layer, null, rectifying ? new Fakes.Relu() : new Tanh()));
            for (Tensor t : batches) {
                layer.output = t;
                m.step++;
                a.afterBackward(m);
            }
            RecordingSink sink = new RecordingSink();
            a.onEpochEnd(m, sink);
            String what = "epoch " + epoch + " " + kind + " " + dtype + " " + batches;
            assertSum(sink.layer("act1", "act_mean"), mean, what + " mean");
            assertSum(sink.layer("act1", "act_std"), std, what + " std");
            assertThat(sink.findings).as(what).hasSize(finding ? 1 : 0);
            if (finding) {
                Finding f = sink.findings.get(0);
                assertThat(f.code()).isEqualTo("constant-activations");
                assertThat((double) (Double) f.evidence().get("min")).as(what).isCloseTo(min, within(0.0)); // -0.0 and 0.0 alike
                assertThat((double) (Double) f.evidence().get("max")).as(what).isCloseTo(max, within(0.0));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(floats = {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN})
    void outputsThatAreNotAllFiniteAreNotConstant(float bad) {
        Tensor constant = Tensor.of(DType.F32, new double[] {0.5, 0.5, 0.5, 0.5, 0.5, 0.5}, 2, 3);
        Tensor last = Tensor.of(DType.F32, new double[] {0.5, bad, 0.5, 0.5, 0.5, 0.5}, 2, 3);
        ActivationStats a = new ActivationStats(1);
        FakeModel m = new FakeModel();
        FakeLayer layer = new FakeLayer("act1");
        m.add(new LayerView("act1", layer, null, new Tanh()));
        for (Tensor t : List.of(constant, constant, last, constant)) {
            layer.output = t;
            m.step++;
            a.afterBackward(m);
        }
        RecordingSink sink = new RecordingSink();
        a.onEpochEnd(m, sink);
        assertThat(sink.findings).isEmpty();
        // the next epoch starts over
        layer.output = constant;
        a.afterBackward(m);
        a.onEpochEnd(m, sink);
        assertThat(sink.findings).singleElement().satisfies(f -> assertThat(f.evidence()).containsEntry("min", 0.5).containsEntry("max", 0.5));
    }

    @ParameterizedTest
    @ValueSource(strings = {"positive-zeros", "negative-zeros", "zeros", "constant"})
    void theConstantActivationFindingReportsTheExtremes(String kind) {
        Random random = new Random(3);
        FakeModel m = new FakeModel();
        FakeLayer layer = new FakeLayer("act1");
        m.add(new LayerView("act1", layer, null, new Tanh()));
        ActivationStats a = new ActivationStats(1);
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int step = 0; step < 3; step++) {
            Tensor out = values(random, DType.F32, 24 * 7, kind).reshape(24, 7);
            for (int i = 0; i < out.size(); i++) {
                min = Math.min(min, out.get(i));
                max = Math.max(max, out.get(i));
            }
            layer.output = out;
            a.afterBackward(m);
        }
        RecordingSink sink = new RecordingSink();
        a.onEpochEnd(m, sink);
        double lo = min;
        double hi = max;
        assertThat(sink.findings).singleElement().satisfies(f -> {
            assertThat(f.code()).isEqualTo("constant-activations");
            assertThat((double) (Double) f.evidence().get("min")).isCloseTo(lo, within(0.0));
            assertThat((double) (Double) f.evidence().get("max")).isCloseTo(hi, within(0.0));
        });
    }

    // ---- dead units ----

    /** The definition: marks every unit with a non-zero output (NaN included) in any row of {@code out}. */
    private static void markNonZero(Tensor out, boolean[] seen) {
        for (int i = 0; i < out.size(); i++) {
            if (out.get(i) != 0) {
                seen[i % seen.length] = true;
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void deadUnitsAreThoseOfTheDefinitionOverSteps(int seed) {
        Random random = new Random(seed);
        for (DType dtype : DType.values()) {
            int units = 1 + random.nextInt(60);
            DeadUnits.Units actual = new DeadUnits.Units(units);
            boolean[] expected = new boolean[units];
            double[] fire = new double[units]; // per unit, how often it outputs something other than +0
            for (int u = 0; u < units; u++) {
                fire[u] = random.nextInt(4) == 0 ? 0 : Math.pow(10, -3 * random.nextDouble());
            }
            for (int step = 0; step < 6; step++) {
                int rows = 1 + random.nextInt(30);
                Tensor out = Tensor.zeros(dtype, rows, units);
                for (int i = 0; i < out.size(); i++) {
                    double v = random.nextDouble() < fire[i % units] ? random.nextGaussian() : 0.0;
                    int pick = random.nextInt(50);
                    out.set(i, pick == 0 ? -0.0 : pick == 1 && random.nextInt(20) == 0 ? Double.NaN : v);
                }
                actual.mark(OPS, out);
                markNonZero(out, expected);
                assertThat(actual.seen).as("%s step %d", dtype, step).containsExactly(expected);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 5, 64})
    void unitsThatFireInOneRowOnlyAreSeen(int units) {
        Random random = new Random(units);
        for (int trial = 0; trial < 20; trial++) {
            DeadUnits.Units actual = new DeadUnits.Units(units);
            boolean[] expected = new boolean[units];
            int rows = 1 + random.nextInt(3);
            Tensor out = Tensor.zeros(DType.F32, rows, units);
            int row = random.nextInt(rows);
            for (int u = 0; u < units; u++) {
                if (trial == 0 || random.nextBoolean()) {
                    out.set(row, u, trial % 2 == 0 ? 1 : -1e-30); // several units, all in the same row
                }
            }
            actual.mark(OPS, out);
            markNonZero(out, expected);
            assertThat(actual.seen).as("trial %d", trial).containsExactly(expected);
        }
    }

    // ---- NaN sentinel ----

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 8, 9, 1023, 1024, 1025, 4096, 5000})
    void everyNonFiniteValueIsFoundWhereverItIs(int n) {
        for (DType dtype : DType.values()) {
            FakeModel m = new FakeModel();
            FakeLayer l = new FakeLayer("hidden1");
            l.output = Tensor.zeros(dtype, 1, n);
            l.output.fill(Float.MAX_VALUE);
            m.add(new LayerView("hidden1", l, null, null));
            assertThat(stop(m, 1)).isNull();
            for (int at : new int[] {0, n / 2, n - 1, Math.min(n - 1, 1023), Math.min(n - 1, 1024), Math.min(n - 1, 8)}) {
                for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
                    l.output.set(at, bad);
                    assertThat(stop(m, 1)).as("%s n=%d %s at %d", dtype, n, bad, at).isNotNull();
                    l.output.set(at, -0.0);
                    assertThat(stop(m, 1)).isNull();
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"first", "middle", "last"})
    void theSentinelStopsOnANonFiniteOutputGradientOrWeightAtAnyPosition(String where) {
        Random random = new Random(where.hashCode());
        for (String tensor : new String[] {"output", "grad", "value"}) {
            FakeModel m = new FakeModel();
            Parameter w = Fakes.weight(Fakes.normal(random, 0.1, 33, 21));
            w.grad().copyFrom(Fakes.normal(random, 0.01, 33, 21));
            FakeLayer l = new FakeLayer("hidden1", w);
            l.output = Fakes.normal(random, 1, 5, 33);
            m.add(new LayerView("hidden1", l, w, null));
            Tensor t = switch (tensor) {
                case "output" -> l.output;
                case "grad" -> w.grad();
                default -> w.value();
            };
            int at = switch (where) {
                case "first" -> 0;
                case "middle" -> t.size() / 2;
                default -> t.size() - 1;
            };
            t.set(at, Double.NaN);
            // a NaN gradient makes a gradient norm NaN: found at once; the others on a scan step
            assertThat(stop(m, 10)).as("%s %s, not a scan step", tensor, where).matches(f -> (f != null) == tensor.equals("grad"));
            m.step = 10;
            Finding f = stop(m, 10);
            assertThat(f).as("%s %s", tensor, where).isNotNull();
            assertThat(f.layer()).isEqualTo("hidden1");
            assertThat(f.message()).contains("1 of " + t.size() + " values, first NaN");
        }
    }

    private static Finding stop(FakeModel m, int every) {
        try {
            new NanSentinel(every).afterBackward(m);
            return null;
        } catch (Diagnostic.StopTraining e) {
            return e.finding();
        }
    }

    // ---- slices ----

    /**
     * Outputs that are slices (a recurrent net's time step: rows of a larger tensor) are read at their
     * offset: every figure is that of a copy, and a NaN in the rows around the slice is not seen.
     */
    @ParameterizedTest
    @ValueSource(strings = {"saturation", "activation-stats", "dead-units", "nan-sentinel"})
    void slicesGiveTheFiguresOfTheirCopies(String id) {
        Supplier<Diagnostic> make = switch (id) {
            case "saturation" -> () -> new Saturation(1, 0.01, 0.3, 0.2, 0.5);
            case "activation-stats" -> () -> new ActivationStats(1);
            case "dead-units" -> () -> new DeadUnits(0.1, 0.5);
            default -> () -> new NanSentinel(1);
        };
        Activation activation = id.equals("dead-units") ? new Fakes.Relu() : new Fakes.Sigmoid();
        for (DType dtype : DType.values()) {
            Random random = new Random(9);
            Tensor x = Tensor.zeros(dtype, 3 * 16, 9);
            for (int i = 0; i < x.size(); i++) {
                x.set(i, i % 9 == 4 ? -1 : random.nextGaussian() * 5); // unit 4 is dead in a ReLU
            }
            Tensor y = Tensor.zeros(dtype, x.shape());
            activation.forward(x, y);
            for (int r : new int[] {0, 15, 32, 47}) { // in the rows around the slice
                x.set(r, 4, Double.NaN);
                y.set(r, 4, Double.NaN);
            }
            RecordingSink sliced = run(make.get(), activation, x.slice(16, 32), y.slice(16, 32));
            RecordingSink copied = run(make.get(), activation, x.slice(16, 32).copy(), y.slice(16, 32).copy());
            assertThat(sliced.findings).as("%s %s", id, dtype).isEqualTo(copied.findings);
            assertThat(sliced.layers).as("%s %s", id, dtype).isEqualTo(copied.layers).isNotEmpty();
        }
    }

    private static RecordingSink run(Diagnostic d, Activation activation, Tensor x, Tensor y) {
        FakeModel m = new FakeModel();
        FakeLayer layer = new FakeLayer("act1");
        layer.input = x;
        layer.output = y;
        m.add(new LayerView("act1", layer, null, activation));
        RecordingSink sink = new RecordingSink();
        for (int step = 1; step <= 2; step++) {
            m.step = step;
            d.afterBackward(m);
        }
        d.onEpochEnd(m, sink);
        if (d instanceof NanSentinel) {
            sink.layerMetric("act1", "scanned", true); // it writes nothing: that it did not stop is the figure
        }
        return sink;
    }
}
