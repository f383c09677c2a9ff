package io.gradlab.plugins.conv;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.testkit.TestContexts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * conv2d, the pools, global average pooling and batch-norm2d against PyTorch in float64: forward
 * and backward passes of {@code pytorch-fixture.txt} (written by {@code scripts/make_fixture.py},
 * PyTorch's {@code Conv2d}, {@code MaxPool2d}, {@code AvgPool2d}, {@code BatchNorm2d}) agree within 1e-9.
 */
class PyTorchFixtureTest {
    private static final double TOLERANCE = 1e-9;
    private static Map<String, double[]> fixture;

    @BeforeAll
    static void load() throws IOException {
        fixture = new HashMap<>();
        try (InputStream in = PyTorchFixtureTest.class.getResourceAsStream("/pytorch-fixture.txt");
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.trim().split(" ");
                double[] values = new double[parts.length - 1];
                for (int i = 1; i < parts.length; i++) {
                    values[i - 1] = Double.parseDouble(parts[i]);
                }
                fixture.put(parts[0], values);
            }
        }
        assertThat(fixture).containsKeys("conv_a.x", "bn_a.2.gx");
    }

    private static double[] get(String key) {
        double[] v = fixture.get(key);
        assertThat(v).as("fixture entry " + key).isNotNull();
        return v;
    }

    private static Tensor batch(String key, int n) {
        double[] v = get(key);
        return Tensor.wrap(v.clone(), n, v.length / n);
    }

    private static void assertClose(String what, double[] expected, Tensor actual) {
        assertThat(actual.size()).as(what + " size").isEqualTo(expected.length);
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual.get(i)));
        }
        assertThat(worst).as(what + ": largest difference from PyTorch").isLessThanOrEqualTo(TOLERANCE);
    }

    private static void set(Parameter p, String key) {
        double[] v = get(key);
        assertThat(p.value().size()).as(key).isEqualTo(v.length);
        for (int i = 0; i < v.length; i++) {
            p.value().set(i, v[i]);
        }
    }

    /** Forward and backward of {@code layer} on the case's x and gy; compares y and gx. */
    private static void passCompare(String name, Layer layer, int n) {
        layer.setInputGradientRequired(true);
        Tensor y = layer.forward(batch(name + ".x", n), Mode.TRAIN);
        assertClose(name + " output", get(name + ".y"), y);
        Tensor gx = layer.backward(batch(name + ".gy", n));
        assertClose(name + " input gradient", get(name + ".gx"), gx);
    }

    private static void conv(String name, int n, ImageShape in, int out, int kernel, int stride, int padding, int dilation, boolean bias) {
        Conv2d conv = new Conv2d(name, in, out, new Window(kernel, stride, padding, dilation), bias, "linear", null);
        conv.build(in.size(), TestContexts.f64());
        set(conv.parameters().get(0), name + ".weight");
        if (bias) {
            set(conv.parameters().get(1), name + ".bias");
        }
        passCompare(name, conv, n);
        assertClose(name + " weight gradient", get(name + ".gweight"), conv.parameters().get(0).grad());
        if (bias) {
            assertClose(name + " bias gradient", get(name + ".gbias"), conv.parameters().get(1).grad());
        }
    }

    @Test
    void conv2dMatchesPyTorch() {
        conv("conv_a", 2, new ImageShape(2, 6, 5), 3, 3, 1, 1, 1, true);
        conv("conv_b", 3, new ImageShape(3, 7, 7), 4, 3, 2, 1, 1, false);
        conv("conv_c", 2, new ImageShape(2, 8, 6), 2, 3, 1, 2, 2, true);
        conv("conv_d", 2, new ImageShape(4, 6, 6), 3, 1, 2, 0, 1, false);
    }

    private static void pool(String name, Pool2d.Kind kind, int n, ImageShape in, int kernel, int stride, int padding) {
        Pool2d pool = new Pool2d(name, kind, in, new Window(kernel, stride, padding, 1));
        pool.build(in.size(), TestContexts.f64());
        passCompare(name, pool, n);
    }

    @Test
    void poolsMatchPyTorch() {
        pool("max_a", Pool2d.Kind.MAX, 2, new ImageShape(3, 6, 5), 2, 2, 0);
        pool("max_b", Pool2d.Kind.MAX, 2, new ImageShape(2, 7, 6), 3, 2, 1);
        pool("avg_a", Pool2d.Kind.AVG, 2, new ImageShape(3, 6, 5), 2, 2, 0);
        pool("avg_b", Pool2d.Kind.AVG, 2, new ImageShape(2, 7, 6), 3, 2, 1);
        GlobalAvgPool gap = new GlobalAvgPool("gap_a", new ImageShape(4, 5, 3));
        gap.build(4 * 5 * 3, TestContexts.f64());
        passCompare("gap_a", gap, 3);
    }

    @Test
    void batchNorm2dMatchesPyTorchInTrainingAndEvaluation() {
        ImageShape shape = new ImageShape(3, 5, 4);
        BatchNorm2d bn = new BatchNorm2d("bn_a", shape, 1e-5, 0.1, true);
        bn.build(shape.size(), TestContexts.f64());
        bn.setInputGradientRequired(true);
        set(bn.parameters().get(0), "bn_a.scale");
        set(bn.parameters().get(1), "bn_a.shift");
        Mode[] modes = {Mode.TRAIN, Mode.TRAIN, Mode.EVAL};
        for (int step = 0; step < 3; step++) {
            String p = "bn_a." + step;
            for (Parameter q : bn.parameters()) {
                q.grad().fill(0.0);
            }
            Tensor y = bn.forward(batch(p + ".x", 4), modes[step]);
            assertClose(p + " output (" + modes[step] + ")", get(p + ".y"), y);
            Tensor gx = bn.backward(batch(p + ".gy", 4));
            assertClose(p + " input gradient", get(p + ".gx"), gx);
            assertClose(p + " scale gradient", get(p + ".gscale"), bn.parameters().get(0).grad());
            assertClose(p + " shift gradient", get(p + ".gshift"), bn.parameters().get(1).grad());
            assertClose(p + " running mean", get(p + ".running_mean"), bn.buffers().get(0));
            assertClose(p + " running variance", get(p + ".running_var"), bn.buffers().get(1));
            // PyTorch's num_batches_tracked: one per training-mode forward pass (1, 2, then 2 after the evaluation)
            assertThat(bn.buffers().get(2).get(0)).as(p + " batches tracked").isEqualTo(step == 0 ? 1.0 : 2.0);
        }
        assertThat(bn.buffers().get(0).dtype()).isEqualTo(DType.F64);
        assertThat(bn.buffers()).hasSize(3);
    }
}
