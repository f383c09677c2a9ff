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
import io.gradlab.api.tensor.Tensor;
import io.gradlab.plugins.diagnostics.Fakes.FakeLayer;
import io.gradlab.plugins.diagnostics.Fakes.FakeModel;
import io.gradlab.plugins.diagnostics.Fakes.RecordingSink;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fast paths of the per-step diagnostics (arrays instead of {@link Tensor#get}, branch-free
 * counts, several sums, the saturation of units already seen) against the code they replaced, kept
 * here as the reference: the counts are the same to the unit, the extremes to the bit, the sums to
 * rounding.
 */
class FastPathsTest {
    private static final float[] SPECIAL = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, Float.MIN_VALUE,
        -Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE, 1f, -1f};

    // ---- the code as it was before the fast paths (the reference) ----

    private static long[] referenceSaturated(Activation activation, Tensor x, Tensor y, double limit) {
        int rows = y.rows();
        int units = y.cols();
        long[] counts = new long[units];
        Tensor g;
        if (activation instanceof ElementwiseActivation e) {
            for (int r = 0; r < rows; r++) {
                for (int u = 0; u < units; u++) {
                    if (Math.abs(e.derivative(x.get(r * units + u), y.get(r * units + u))) < limit) {
                        counts[u]++;
                    }
                }
            }
            return counts;
        }
        Tensor ones = Tensor.zeros(y.dtype(), y.shape());
        ones.fill(1);
        g = Tensor.zeros(y.dtype(), y.shape());
        activation.backward(x, y, ones, g);
        for (int r = 0; r < rows; r++) {
            for (int u = 0; u < units; u++) {
                if (Math.abs(g.get(r * units + u)) < limit) {
                    counts[u]++;
                }
            }
        }
        return counts;
    }

    private static double[] referenceStats(Tensor t, double[] before) {
        double[] s = before.clone();
        double sum = 0;
        double sq = 0;
        double min = s[3];
        double max = s[4];
        for (int i = 0; i < t.size(); i++) {
            double f = t.get(i);
            sum += f;
            sq += f * f;
            min = Math.min(min, f);
            max = Math.max(max, f);
        }
        s[0] += t.size();
        s[1] += sum;
        s[2] += sq;
        s[3] = min;
        s[4] = max;
        return s;
    }

    // ---- saturation ----

    /** {@code 1 - y^2} (tanh), with a negative derivative outside [-1, 1]. */
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
            return Expr.where(x.gt(-3).mul(x.lt(3)), 1.0 / 6, Expr.constant(0));
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

    /** An activation with a parameter (not elementwise): {@code a * sigmoid(x)}, derivative {@code a y (1 - y / a)}. */
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
     * Pre-activations from wide normals, outputs from the activation; a share of the outputs sits on
     * the floats next to the saturation limit (where float and double derivatives could part), and a
     * few elements are special values (NaN, infinities, zeros) in the first, a middle and the last
     * position.
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
                float near = (float) (random.nextBoolean() ? root : 1 - root);
                for (int k = random.nextInt(4); k > 0; k--) {
                    near = random.nextBoolean() ? Math.nextUp(near) : Math.nextDown(near);
                }
                y.set(i, near);
            }
        } else if (activation instanceof Tanh) {
            double root = Math.sqrt(1 - limit);
            for (int i = 0; i < y.size(); i += 3) {
                float near = (float) (random.nextBoolean() ? root : -root);
                for (int k = random.nextInt(4); k > 0; k--) {
                    near = random.nextBoolean() ? Math.nextUp(near) : Math.nextDown(near);
                }
                y.set(i, near);
            }
        } else if (activation instanceof HardSigmoid) {
            for (int i = 0; i < x.size(); i += 3) {
                float edge = random.nextBoolean() ? 3f : -3f;
                x.set(i, random.nextBoolean() ? edge : random.nextBoolean() ? Math.nextUp(edge) : Math.nextDown(edge));
            }
        }
        int[] at = {0, y.size() / 2, y.size() - 1};
        for (int i : at) {
            Tensor t = random.nextBoolean() ? x : y;
            t.set(i, SPECIAL[random.nextInt(SPECIAL.length)]);
        }
        return new Tensor[] {x, y};
    }

    @ParameterizedTest
    @ValueSource(strings = {"sigmoid", "tanh", "hard-sigmoid", "scaled"})
    void saturatedCountsAreThoseOfTheReferenceInFloat32AndFloat64(String name) {
        Random random = new Random(name.hashCode());
        Activation activation = activation(name);
        for (double threshold : new double[] {0.01, 0.3, 0.999}) {
            double limit = threshold * activation.maxDerivative();
            for (DType dtype : DType.values()) {
                for (int trial = 0; trial < 4; trial++) {
                    int rows = 1 + random.nextInt(40);
                    int units = 1 + random.nextInt(37);
                    Tensor[] xy = batch(random, activation, dtype, rows, units, limit);
                    long[] fast = fastCounts(activation, xy[0], xy[1], limit);
                    assertThat(fast).as("%s %s threshold %s %dx%d", name, dtype, threshold, rows, units)
                            .containsExactly(referenceSaturated(activation, xy[0], xy[1], limit));
                }
            }
        }
    }

    /** The counts the diagnostic's own paths give (arrays for F32 and F64, the scratch path for an activation with parameters). */
    private static long[] fastCounts(Activation activation, Tensor x, Tensor y, double limit) {
        long[] counts = new long[y.cols()];
        if (activation instanceof ElementwiseActivation e) {
            if (x.dtype() == DType.F32) {
                e.countSmallDerivatives(x.floats(), y.floats(), y.rows(), y.cols(), limit, counts);
            } else {
                Saturation.countSaturated(e, x.doubles(), y.doubles(), y.rows(), y.cols(), limit, counts);
            }
        } else {
            Tensor ones = Tensor.zeros(y.dtype(), y.shape());
            ones.fill(1);
            Tensor g = Tensor.zeros(y.dtype(), y.shape());
            activation.backward(x, y, ones, g);
            Saturation.countBelow(g, y.rows(), y.cols(), limit, counts);
        }
        return counts;
    }

    @ParameterizedTest
    @ValueSource(strings = {"sigmoid", "tanh", "hard-sigmoid", "scaled"})
    void theDiagnosticReportsWhatTheReferenceCountsGiveInFloat32AndFloat64AndMixedTypes(String name) {
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
            long[] c = referenceSaturated(activation, xy[0], xy[1], limit);
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
            for (String types : new String[] {"F32", "F64", "mixed"}) {
                Saturation s = new Saturation(1, 0.01, majority, 0.2, 0.5);
                FakeModel m = new FakeModel();
                FakeLayer layer = new FakeLayer("act1");
                m.add(new LayerView("act1", layer, null, activation));
                for (Tensor[] xy : batches) {
                    // mixed: float inputs, double outputs (the generic path)
                    layer.input = types.equals("F64") ? xy[0].to(DType.F64) : xy[0];
                    layer.output = types.equals("F32") ? xy[1] : xy[1].to(DType.F64);
                    m.step++;
                    s.afterBackward(m);
                }
                RecordingSink sink = new RecordingSink();
                s.onEpochEnd(m, sink);
                assertThat(sink.layer("act1", "saturated_fraction")).as("%s %s majority %s", name, types, majority).isEqualTo(expected);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0025, 1e-300, Double.MIN_VALUE, 1.0, Double.MAX_VALUE, Double.POSITIVE_INFINITY})
    void theBranchFreeComparisonIsTheComparison(double limit) {
        long bits = Double.doubleToRawLongBits(limit);
        List<Double> values = new ArrayList<>(List.of(0.0, -0.0, Double.NaN, -Double.NaN, Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY, Double.MIN_VALUE, Double.MAX_VALUE, limit, -limit, Math.nextUp(limit), Math.nextDown(limit),
                -Math.nextUp(limit), -Math.nextDown(limit), Double.longBitsToDouble(0x7ff0_0000_0000_0001L),
                Double.longBitsToDouble(0xfff8_0000_0000_0000L)));
        Random random = new Random(5);
        for (int i = 0; i < 1000; i++) {
            values.add(Double.longBitsToDouble(random.nextLong()));
        }
        for (double d : values) {
            assertThat(Saturation.below(d, bits)).as("|%s| < %s", d, limit).isEqualTo(Math.abs(d) < limit ? 1L : 0L);
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, -0.0, -1.0, Double.NaN})
    void aLimitThatNothingIsBelowCountsNothing(double limit) {
        Tensor x = Tensor.of(DType.F32, new double[] {0, -0.0, 1e-30, Double.NEGATIVE_INFINITY, 5, -7}, 2, 3);
        Tensor y = Tensor.zeros(DType.F32, 2, 3); // derivative 0 everywhere for the sigmoid
        long[] counts = new long[3];
        new Fakes.Sigmoid().countSmallDerivatives(x.floats(), y.floats(), 2, 3, limit, counts);
        assertThat(counts).containsExactly(referenceSaturated(new Fakes.Sigmoid(), x, y, limit));
        Saturation.countBelow(y, 2, 3, limit, counts);
        assertThat(counts).containsOnly(0L);
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

    /** One batch from a prior state: the sums to rounding, the minimum to the bit, the maximum to the bit unless {@link ActivationStats.Running} may leave it. */
    @ParameterizedTest
    @ValueSource(strings = {"normal", "relu", "zeros", "positive-zeros", "negative-zeros", "constant", "nearly-constant"})
    void activationStatisticsOfABatchAreThoseOfTheReference(String kind) {
        Random random = new Random(kind.hashCode());
        double[][] befores = {{0, 0, 0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}, {10, 3, 5, -0.0, 0.0}, {10, 3, 5, 0.0, -0.0},
            {10, 3, 5, 0.5, 0.5}, {10, 3, 5, -2, 7}, {10, 3, 5, 0.25, 7}, {10, 3, 5, Double.NaN, Double.NaN},
            {10, 3, 5, 1, Double.POSITIVE_INFINITY}};
        for (DType dtype : DType.values()) {
            for (int n : new int[] {0, 1, 3, 4, 5, 7, 8, 1000, 1027}) {
                for (int special = -1; special < SPECIAL.length; special++) {
                    Tensor t = values(random, dtype, n, kind);
                    if (special >= 0 && n > 0) {
                        int[] at = {0, n / 2, n - 1};
                        t.set(at[random.nextInt(3)], SPECIAL[special]);
                    }
                    for (double[] before : befores) {
                        ActivationStats.Running fast = running(before);
                        boolean varyingBefore = fast.varying;
                        ActivationStats.accumulate(t, fast);
                        double[] ref = referenceStats(t, before);
                        String what = kind + " " + dtype + " n=" + n + " special=" + (special < 0 ? "none" : SPECIAL[special])
                                + " before " + java.util.Arrays.toString(before);
                        assertThat(fast.n).as(what).isEqualTo(ref[0]);
                        assertSum(fast.sum, ref[1], what + " sum");
                        assertSum(fast.sq, ref[2], what + " sum of squares");
                        assertThat(Double.doubleToRawLongBits(fast.min)).as(what + " min %s vs %s", fast.min, ref[3])
                                .isEqualTo(Double.doubleToRawLongBits(ref[3]));
                        boolean finiteBatch = true;
                        for (int i = 0; i < n; i++) {
                            finiteBatch &= Double.isFinite(t.get(i));
                        }
                        double expectedMax = varyingBefore && dtype == DType.F32 && finiteBatch ? before[4] : ref[4];
                        assertThat(Double.doubleToRawLongBits(fast.max)).as(what + " max %s vs %s", fast.max, expectedMax)
                                .isEqualTo(Double.doubleToRawLongBits(expectedMax));
                    }
                }
            }
        }
    }

    private static ActivationStats.Running running(double[] s) {
        ActivationStats.Running r = new ActivationStats.Running();
        r.n = s[0];
        r.sum = s[1];
        r.sq = s[2];
        r.min = s[3];
        r.max = s[4];
        if (r.n > 0) {
            r.updateVarying();
        }
        return r;
    }

    private static void assertSum(double fast, double ref, String what) {
        if (Double.isFinite(ref)) {
            assertThat(fast).as(what).isCloseTo(ref, within(1e-12 * Math.max(1, Math.abs(ref))));
        } else {
            assertThat(Double.valueOf(fast)).as(what).isEqualTo(Double.valueOf(ref)); // NaN or the same infinity
        }
    }

    /**
     * Whole epochs of batches (now and then a NaN or an infinity, also after the outputs are known to
     * vary): the figures and the constant-activations finding are those of the diagnostic as it was.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void anEpochOfActivationStatisticsReportsWhatTheReferenceReports(int seed) {
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
            // the reference: the diagnostic as it was
            double[] s = {0, 0, 0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
            for (Tensor t : batches) {
                s = referenceStats(t, s);
            }
            double mean = s[1] / s[0];
            double std = Math.sqrt(Math.max(0, s[2] / s[0] - mean * mean));
            boolean allZeroRectifier = rectifying && s[4] == 0 && s[3] == 0;
            boolean finding = !allZeroRectifier && s[4] - s[3] <= 1e-7 * Math.max(1, Math.abs(s[4]));

            ActivationStats a = new ActivationStats(1);
            FakeModel m = new FakeModel();
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
                assertThat(Double.doubleToRawLongBits((Double) f.evidence().get("min"))).as(what).isEqualTo(Double.doubleToRawLongBits(s[3]));
                assertThat(Double.doubleToRawLongBits((Double) f.evidence().get("max"))).as(what).isEqualTo(Double.doubleToRawLongBits(s[4]));
            }
        }
    }

    /** Outputs known to vary, then an infinity: the old figures called that constant, with the true minimum in the evidence. */
    @ParameterizedTest
    @ValueSource(floats = {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN})
    void aNonFiniteOutputAfterVaryingOnesIsReportedAsBefore(float bad) {
        Tensor first = Tensor.of(DType.F32, new double[] {0.25, -3, 0.5, 1, 2, 0.75}, 2, 3);
        Tensor second = Tensor.of(DType.F32, new double[] {-7, 0.5, 0.5, 0.5, -0.0, 0.5}, 2, 3); // a new minimum while varying
        Tensor third = Tensor.of(DType.F32, new double[] {0.5, 0.5, 0.5, 0.5, 0.5, 9}, 2, 3); // a new maximum, not tracked
        Tensor last = Tensor.of(DType.F32, new double[] {0.5, bad, 0.5, 0.5, 0.5, 0.5}, 2, 3);
        double[] s = {0, 0, 0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        ActivationStats a = new ActivationStats(1);
        FakeModel m = new FakeModel();
        FakeLayer layer = new FakeLayer("act1");
        m.add(new LayerView("act1", layer, null, new Tanh()));
        for (Tensor t : List.of(first, second, third, last)) {
            s = referenceStats(t, s);
            layer.output = t;
            m.step++;
            a.afterBackward(m);
        }
        RecordingSink sink = new RecordingSink();
        a.onEpochEnd(m, sink);
        boolean finding = s[4] - s[3] <= 1e-7 * Math.max(1, Math.abs(s[4]));
        assertThat(finding).isEqualTo(bad == Float.POSITIVE_INFINITY);
        assertThat(sink.findings).hasSize(finding ? 1 : 0);
        if (finding) {
            assertThat(sink.findings.get(0).evidence()).containsEntry("min", -7.0).containsEntry("max", Double.POSITIVE_INFINITY);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"positive-zeros", "negative-zeros", "zeros", "constant"})
    void theConstantActivationFindingReportsTheSameExtremes(String kind) {
        Random random = new Random(3);
        Tensor out = values(random, DType.F32, 24 * 7, kind).reshape(24, 7);
        FakeModel m = new FakeModel();
        FakeLayer layer = new FakeLayer("act1");
        layer.output = out;
        m.add(new LayerView("act1", layer, null, new Tanh()));
        ActivationStats a = new ActivationStats(1);
        a.afterBackward(m);
        RecordingSink sink = new RecordingSink();
        a.onEpochEnd(m, sink);
        double[] ref = referenceStats(out, new double[] {0, 0, 0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY});
        assertThat(sink.findings).singleElement().satisfies(f -> {
            assertThat(f.code()).isEqualTo("constant-activations");
            assertThat(Double.doubleToRawLongBits((Double) f.evidence().get("min"))).isEqualTo(Double.doubleToRawLongBits(ref[3]));
            assertThat(Double.doubleToRawLongBits((Double) f.evidence().get("max"))).isEqualTo(Double.doubleToRawLongBits(ref[4]));
        });
    }

    // ---- dead units ----

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void deadUnitsAreThoseOfTheReferenceOverSteps(int seed) {
        Random random = new Random(seed);
        for (DType dtype : DType.values()) {
            int units = 1 + random.nextInt(60);
            DeadUnits.Units fast = new DeadUnits.Units(units);
            boolean[] reference = new boolean[units];
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
                fast.mark(out);
                DeadUnits.markNonZero(out, reference);
                assertThat(fast.seen).as("%s step %d", dtype, step).containsExactly(reference);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 5, 64})
    void unitsThatFireInOneRowOnlyAreSeen(int units) {
        Random random = new Random(units);
        for (int trial = 0; trial < 20; trial++) {
            DeadUnits.Units fast = new DeadUnits.Units(units);
            boolean[] reference = new boolean[units];
            int rows = 1 + random.nextInt(3);
            Tensor out = Tensor.zeros(DType.F32, rows, units);
            int row = random.nextInt(rows);
            for (int u = 0; u < units; u++) {
                if (trial == 0 || random.nextBoolean()) {
                    out.set(row, u, trial % 2 == 0 ? 1 : -1e-30); // several units, all in the same row
                }
            }
            fast.mark(out);
            DeadUnits.markNonZero(out, reference);
            assertThat(fast.seen).as("trial %d", trial).containsExactly(reference);
        }
    }

    // ---- update ratio ----

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3, 4, 5, 7, 1000, 16387})
    void diffAndNormAreThoseOfTheReference(int n) {
        Random random = new Random(n);
        Tensor w = Tensor.zeros(DType.F32, n);
        Tensor before = Tensor.zeros(DType.F32, n);
        for (int i = 0; i < n; i++) {
            before.set(i, random.nextGaussian());
            w.set(i, before.get(i) + random.nextGaussian() * 1e-3);
        }
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < n; i++) {
            double d = w.floats()[i] - before.floats()[i]; // in float, then widened, as always
            diff += d * d;
            norm += w.get(i) * w.get(i);
        }
        double[] out = new double[2];
        UpdateRatio.diffAndNorm(w, before, out);
        assertThat(out[0]).isCloseTo(diff, within(1e-12 * Math.max(1, diff)));
        assertThat(out[1]).isCloseTo(norm, within(1e-12 * Math.max(1, norm)));
    }

    // ---- NaN sentinel ----

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 8, 9, 1023, 1024, 1025, 4096, 5000})
    void everyNonFiniteValueIsFoundWhereverItIs(int n) {
        for (DType dtype : DType.values()) {
            Tensor t = Tensor.zeros(dtype, n);
            t.fill(Float.MAX_VALUE);
            assertThat(t.allFinite()).isTrue();
            for (int at : new int[] {0, n / 2, n - 1, Math.min(n - 1, 1023), Math.min(n - 1, 1024), Math.min(n - 1, 8)}) {
                for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
                    t.set(at, bad);
                    assertThat(t.allFinite()).as("%s n=%d %s at %d", dtype, n, bad, at).isFalse();
                    t.set(at, -0.0);
                    assertThat(t.allFinite()).isTrue();
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
            assertThat(stop(m)).as("%s %s, not a scan step", tensor, where).matches(f -> (f != null) == tensor.equals("grad"));
            m.step = 10;
            Finding f = stop(m);
            assertThat(f).as("%s %s", tensor, where).isNotNull();
            assertThat(f.layer()).isEqualTo("hidden1");
            assertThat(f.message()).contains("1 of " + t.size() + " values, first NaN");
        }
    }

    private static Finding stop(FakeModel m) {
        try {
            new NanSentinel(10).afterBackward(m);
            return null;
        } catch (Diagnostic.StopTraining e) {
            return e.finding();
        }
    }
}
