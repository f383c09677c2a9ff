package io.gradlab.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradlab.api.nn.Parameter;
import io.gradlab.api.nn.Fan;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;
import org.junit.jupiter.api.Test;

class SeededRandomTest {

    @Test
    void sameSeedSameNumbers() {
        SeededRandom a = new SeededRandom(5);
        SeededRandom b = new SeededRandom(5);
        for (int i = 0; i < 100; i++) {
            assertThat(a.nextGaussian()).isEqualTo(b.nextGaussian());
            assertThat(a.nextDouble()).isEqualTo(b.nextDouble());
            assertThat(a.nextInt(7)).isEqualTo(b.nextInt(7));
        }
    }

    @Test
    void forksDependOnSeedAndNameOnly() {
        SeededRandom a = new SeededRandom(5);
        SeededRandom b = new SeededRandom(5);
        b.nextDouble();

        assertThat(a.fork("layer1").seed()).isEqualTo(b.fork("layer1").seed());
        assertThat(a.fork("layer1").seed()).isNotEqualTo(a.fork("layer2").seed());
        assertThat(a.fork("layer1").seed()).isNotEqualTo(new SeededRandom(6).fork("layer1").seed());
        assertThat(a.fork("x").nextDouble()).isNotEqualTo(a.fork("y").nextDouble());
    }

    @Test
    void gaussiansLookStandardNormal() {
        SeededRandom r = new SeededRandom(1);
        double sum = 0;
        double sq = 0;
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            double v = r.nextGaussian();
            sum += v;
            sq += v * v;
        }
        assertThat(sum / n).isBetween(-0.05, 0.05);
        assertThat(sq / n).isBetween(0.95, 1.05);
    }

    @Test
    void contextsWithTheSameSeedInitializeTheSameValuesInBothTypes() {
        Parameter w64 = new Parameter("w", Parameter.Role.WEIGHT, Tensor.zeros(DType.F64, 3, 4));
        Parameter w32 = new Parameter("w", Parameter.Role.WEIGHT, Tensor.zeros(DType.F32, 3, 4));
        TestContexts.f64(9).initializeWeight(w64, new Fan(4, 3, "relu"));
        TestContexts.f32(9).initializeWeight(w32, new Fan(4, 3, "relu"));

        for (int i = 0; i < 12; i++) {
            assertThat(w32.value().get(i)).isEqualTo((double) (float) w64.value().get(i));
        }
        assertThat(w64.value().toDoubleArray()).doesNotContain(0.0);
        assertThat(TestContexts.f64(9).ops().backend()).isEqualTo("reference");
    }
}
