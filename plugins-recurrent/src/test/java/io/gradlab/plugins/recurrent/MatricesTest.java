package io.gradlab.plugins.recurrent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;
import static org.assertj.core.data.Percentage.withPercentage;

import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.SeededRandom;
import io.gradlab.testkit.ReferenceOps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MatricesTest {
    private static final Ops OPS = new ReferenceOps();

    /** {@code c = a b} for {@code a [n, k]}, {@code b [k, m]}. */
    private static double[] multiply(double[] a, double[] b, int n, int k, int m) {
        double[] c = new double[n * m];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < k; p++) {
                for (int j = 0; j < m; j++) {
                    c[i * m + j] += a[i * k + p] * b[p * m + j];
                }
            }
        }
        return c;
    }

    private static double[] transpose(double[] a, int n) {
        double[] t = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                t[j * n + i] = a[i * n + j];
            }
        }
        return t;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 7, 32})
    void orthogonalMatricesAreOrthogonal(int n) {
        double[] q = Matrices.orthogonal(n, TestSupport.random(n));
        double[] qtq = multiply(transpose(q, n), q, n, n, n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                assertThat(qtq[i * n + j]).isCloseTo(i == j ? 1 : 0, offset(1e-12));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.5, 0.9, 1.0, 1.1, 1.5})
    void aScaledOrthogonalMatrixHasItsScaleAsSpectralRadiusAndNorm(double rho) {
        int n = 16;
        double[] w = RecurrentInit.ORTHOGONAL.block(n, rho, TestSupport.random(3), OPS);
        assertThat(Matrices.spectralRadius(OPS, w, n)).isCloseTo(rho, withPercentage(0.01));
        assertThat(Matrices.maxSingularValue(OPS, w, n, n)).isCloseTo(rho, withPercentage(0.01));
    }

    /** Q T Q^T with T block upper-triangular: known complex eigenvalues, far from a normal matrix. */
    @Test
    void theSpectralRadiusOfANonSymmetricMatrixWithComplexEigenvaluesIsFound() {
        int n = 6;
        double[] t = new double[n * n];
        // a rotation-scaling block with eigenvalues 0.6 +- 0.8i (|lambda| = 1.0), then reals 0.7, -0.95, 0.2, 0.5
        t[0] = 0.6;
        t[1] = -0.8;
        t[n] = 0.8;
        t[n + 1] = 0.6;
        double[] diagonal = {0, 0, 0.7, -0.95, 0.2, 0.5};
        for (int i = 2; i < n; i++) {
            t[i * n + i] = diagonal[i];
        }
        SeededRandom random = TestSupport.random(9);
        for (int i = 0; i < n; i++) {
            for (int j = i + 2; j < n; j++) {
                t[i * n + j] = 2 * random.nextGaussian(); // strictly above the blocks: a non-normal matrix
            }
        }
        double[] q = Matrices.orthogonal(n, random);
        double[] a = multiply(multiply(q, t, n, n, n), transpose(q, n), n, n, n);
        assertThat(Matrices.spectralRadius(OPS, a, n)).isCloseTo(1.0, withPercentage(0.1));
        // the largest singular value is larger than the spectral radius for such a matrix
        assertThat(Matrices.maxSingularValue(OPS, a, n, n)).isGreaterThan(1.5);
    }

    @Test
    void singularValuesOfRectangularAndRankOneMatrices() {
        // u v^T with |u| = 3, |v| = 2 has the single singular value 6
        double[] u = {1, 2, 2};
        double[] v = {0, 2};
        double[] a = new double[6];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 2; j++) {
                a[i * 2 + j] = u[i] * v[j];
            }
        }
        assertThat(Matrices.maxSingularValue(OPS, a, 3, 2)).isCloseTo(6, offset(1e-9));
        assertThat(Matrices.spectralRadius(OPS, new double[] {0, 1, 0, 0}, 2)).isZero();
        assertThat(Matrices.spectralRadius(OPS, new double[] {0, 0, 0, 0}, 2)).isZero();
        assertThat(Matrices.spectralRadius(OPS, new double[] {Double.NaN, 0, 0, 1}, 2)).isNaN();
    }

    @Test
    void recurrentInitialisationsHitTheRequestedRadius() {
        int n = 24;
        assertThat(Matrices.spectralRadius(OPS, RecurrentInit.RADIUS.block(n, 1.3, TestSupport.random(1), OPS), n)).isCloseTo(1.3, withPercentage(0.1));
        double[] identity = RecurrentInit.IDENTITY.block(n, 0.7, TestSupport.random(1), OPS);
        assertThat(identity[0]).isEqualTo(0.7);
        assertThat(identity[1]).isZero();
        assertThat(identity[n + 1]).isEqualTo(0.7);
        // the circular law: close to, not exactly, the radius
        assertThat(Matrices.spectralRadius(OPS, RecurrentInit.NORMAL.block(64, 1.0, TestSupport.random(2), OPS), 64)).isCloseTo(1.0, withPercentage(25));
        assertThat(RecurrentInit.of("radius")).isEqualTo(RecurrentInit.RADIUS);
        assertThat(RecurrentInit.CHOICES).containsExactly("orthogonal", "identity", "normal", "radius");
    }
}
