package io.gradlab.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradlab.api.tensor.Expr;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The float evaluator runs every instruction through the double one and rounds: for the arithmetic
 * instructions that must be float arithmetic to the bit (double rounding is innocuous from 53 to 24
 * bits), including overflow, subnormal results, signed zeros and NaN.
 */
class ScalarFloatEvalTest {
    private static final float[] EDGES = {0f, -0f, 1f, -1f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL,
        Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 3e-39f, 1e30f,
        1.0000001f, 0.99999994f, 16777216f, 16777217f, 1e-20f};

    @Test
    void arithmeticIsFloatArithmeticToTheBit() {
        int n = 3000; // more than one chunk
        float[] a = new float[n];
        float[] b = new float[n];
        Random random = new Random(7);
        for (int i = 0; i < n; i++) {
            a[i] = i < EDGES.length * EDGES.length ? EDGES[i % EDGES.length] : randomFloat(random);
            b[i] = i < EDGES.length * EDGES.length ? EDGES[i / EDGES.length] : randomFloat(random);
        }
        float[] y = new float[n + 5];
        check(Expr.Op.ADD, a, b, y, (u, v) -> u + v);
        check(Expr.Op.SUB, a, b, y, (u, v) -> u - v);
        check(Expr.Op.MUL, a, b, y, (u, v) -> u * v);
        check(Expr.Op.DIV, a, b, y, (u, v) -> u / v);
        check(Expr.Op.MAX, a, b, y, Math::max);
        check(Expr.Op.MIN, a, b, y, Math::min);
        check(Expr.Op.SQUARE, a, null, y, (u, v) -> u * u);
        check(Expr.Op.SQRT, a, null, y, (u, v) -> (float) Math.sqrt(u));
        check(Expr.Op.NEG, a, null, y, (u, v) -> -u);
    }

    @Test
    void writesOnlyItsRange() {
        float[] a = {1, 2, 3, 4};
        float[] y = {9, 9, 9, 9, 9};
        ScalarFloatEval.INSTANCE.exec(Expr.Op.EXP.ordinal(), y, 1, a, 1, null, 0, null, 0, 2);
        assertThat(y).containsExactly(9f, (float) Math.exp(2), (float) Math.exp(3), 9f, 9f);
    }

    private interface FloatOp {
        float apply(float u, float v);
    }

    private static void check(Expr.Op op, float[] a, float[] b, float[] y, FloatOp expected) {
        ScalarFloatEval.INSTANCE.exec(op.ordinal(), y, 5, a, 0, b, 0, null, 0, a.length);
        for (int i = 0; i < a.length; i++) {
            float want = expected.apply(a[i], b == null ? 0 : b[i]);
            assertThat(Float.floatToIntBits(y[5 + i]))
                    .as("%s(%s, %s)", op, a[i], b == null ? "" : b[i])
                    .isEqualTo(Float.floatToIntBits(want));
        }
    }

    private static float randomFloat(Random random) {
        return switch (random.nextInt(3)) {
            case 0 -> Float.intBitsToFloat(random.nextInt()); // any bit pattern: subnormals, huge, NaN
            case 1 -> (float) random.nextGaussian();
            default -> (float) (random.nextGaussian() * 1e-38);
        };
    }
}
