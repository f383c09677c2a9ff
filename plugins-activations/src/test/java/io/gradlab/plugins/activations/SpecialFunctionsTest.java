package io.gradlab.plugins.activations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gradlab.api.tensor.Expr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The expressions of {@link SpecialFunctions}, evaluated in double by their definition. */
class SpecialFunctionsTest {
    private static final Expr X = Expr.arg(0);
    private static final Expr ERFC = SpecialFunctions.erfc(X);
    private static final Expr PHI = SpecialFunctions.normalCdf(X, SpecialFunctions.gaussian(X));
    private static final Expr SOFTPLUS = SpecialFunctions.softplus(X);
    private static final Expr EXPM1 = SpecialFunctions.expm1NonPositive(X);

    /** Reference values to 20 digits (mpmath, 40-digit arithmetic), on each of Cody's three ranges and their edges. */
    @ParameterizedTest(name = "erfc({0})")
    @CsvSource({
        "0,       1.0",
        "0.1,     0.8875370839817151016",
        "0.3,     0.67137324054087258381",
        "0.46875, 0.50738652678206200841",
        "0.5,     0.47950012218695346232",
        "1,       0.15729920705028513066",
        "2,       0.0046777349810472658379",
        "3.9,     3.4792248597231767129e-8",
        "4,       1.5417257900280018852e-8",
        "4.5,     1.9661604415428874763e-10",
        "6,       2.1519736712498913117e-17",
        "10,      2.088487583762544757e-45",
        "20,      5.3958656116079009289e-176",
        "26,      5.6631924088561428465e-296"
    })
    void erfcIsAccurateToFullDoublePrecisionInRelativeTerms(double z, double erfc) {
        assertThat(ERFC.eval(z)).isCloseTo(erfc, within(1e-14 * erfc));
    }

    @ParameterizedTest(name = "Φ({0})")
    @CsvSource({
        "-40,   3.6558935409150297037e-350",
        "-30,   4.9067139271481870595e-198",
        "-10,   7.619853024160526066e-24",
        "-8,    6.2209605742717841235e-16",
        "-6,    9.865876450376981407e-10",
        "-5.5,  1.8989562465887719384e-8",
        "-5,    2.8665157187919391167e-7",
        "-3,    0.0013498980316300945267",
        "-2,    0.0227501319481792072",
        "-1,    0.15865525393145705141",
        "-0.6,  0.27425311775007358769",
        "-0.3,  0.38208857781104736693",
        "-0.001, 0.49960105778608893741",
        "0,     0.5",
        "0.5,   0.69146246127401310364",
        "1,     0.84134474606854294859",
        "2,     0.9772498680518207928",
        "3,     0.99865010196836990547",
        "5,     0.99999971334842812081",
        "8,     0.9999999999999993779"
    })
    void normalCdfKeepsItsRelativeAccuracyInTheLeftTail(double x, double phi) {
        // the bound grows with x² from the rounding of x² in exp(-x²/2)
        assertThat(PHI.eval(x)).isCloseTo(phi, within(4e-16 * Math.max(1, x * x) * phi));
    }

    @Test
    void normalCdfEdgeCases() {
        assertThat(PHI.eval(-40)).isZero();
        assertThat(PHI.eval(-1e308)).isZero();
        assertThat(PHI.eval(40)).isEqualTo(1.0);
        assertThat(PHI.eval(Double.POSITIVE_INFINITY)).isEqualTo(1.0);
        assertThat(PHI.eval(Double.NEGATIVE_INFINITY)).isZero();
        assertThat(PHI.eval(Double.NaN)).isNaN();
        assertThat(PHI.eval(1e-300)).isEqualTo(0.5);
    }

    @ParameterizedTest(name = "expm1({0})")
    @ValueSource(doubles = {-0.0, -1e-300, -1e-10, -1e-4, -0.1, -0.5, -1, -2.5, -10, -40, -800})
    void expm1OfNonPositiveArgumentsKeepsItsDigits(double x) {
        double expected = Math.expm1(x);
        assertThat(EXPM1.eval(x)).isCloseTo(expected, within(4 * Math.ulp(expected)));
    }

    @Test
    void softplusNeverOverflows() {
        assertThat(SOFTPLUS.eval(1000)).isEqualTo(1000.0);
        assertThat(SOFTPLUS.eval(-1000)).isEqualTo(0.0);
        assertThat(SOFTPLUS.eval(-40)).isCloseTo(4.248354255291589e-18, within(1e-32));
        assertThat(SOFTPLUS.eval(0)).isEqualTo(Math.log(2));
    }

    @Test
    void goldenSectionFindsTheMaximum() {
        assertThat(SpecialFunctions.maximum(x -> -(x - 1.25) * (x - 1.25) + 3, 0, 5)).isCloseTo(3.0, within(1e-15));
        assertThat(Swish.MAX_DERIVATIVE).isCloseTo(1.099839320128867, within(1e-14));
        assertThat(Mish.MAX_DERIVATIVE).isCloseTo(1.088498161251728, within(1e-14));
        assertThat(Gelu.MAX_DERIVATIVE_EXACT).isCloseTo(1.1289041451851547, within(1e-14));
        assertThat(Gelu.MAX_DERIVATIVE_TANH).isCloseTo(1.1289930686587717, within(1e-14));
    }
}
