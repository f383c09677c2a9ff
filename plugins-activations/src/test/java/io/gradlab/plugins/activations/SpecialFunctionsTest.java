package io.gradlab.plugins.activations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpecialFunctionsTest {

    /** Reference values to 20 digits (mpmath, 40-digit arithmetic). */
    @ParameterizedTest(name = "erf({0})")
    @CsvSource({
        "0.1,     0.1124629160182848984,   0.8875370839817151016",
        "0.3,     0.32862675945912741619,  0.67137324054087258381",
        "0.46875, 0.49261347321793799159,  0.50738652678206200841",
        "0.5,     0.52049987781304653768,  0.47950012218695346232",
        "1,       0.84270079294971486934,  0.15729920705028513066",
        "2,       0.99532226501895273416,  0.0046777349810472658379",
        "3.9,     0.99999996520775140277,  3.4792248597231767129e-8",
        "4,       0.99999998458274209972,  1.5417257900280018852e-8",
        "4.5,     0.99999999980338395585,  1.9661604415428874763e-10",
        "6,       0.99999999999999997848,  2.1519736712498913117e-17",
        "10,      1.0,                     2.088487583762544757e-45",
        "20,      1.0,                     5.3958656116079009289e-176",
        "26,      1.0,                     5.6631924088561428465e-296"
    })
    void erfAndErfcAreAccurateToFullDoublePrecision(double x, double erf, double erfc) {
        assertThat(SpecialFunctions.erf(x)).isCloseTo(erf, within(1e-15 * erf));
        assertThat(SpecialFunctions.erf(-x)).isCloseTo(-erf, within(1e-15 * erf));
        assertThat(SpecialFunctions.erfc(x)).isCloseTo(erfc, within(1e-13 * erfc));
        assertThat(SpecialFunctions.erfc(-x)).isCloseTo(2 - erfc, within(1e-15));
    }

    @Test
    void edgeCases() {
        assertThat(SpecialFunctions.erf(0.0)).isZero();
        assertThat(SpecialFunctions.erfc(0.0)).isEqualTo(1.0);
        assertThat(SpecialFunctions.erfc(27.0)).isZero();
        assertThat(SpecialFunctions.erfc(-1e308)).isEqualTo(2.0);
        assertThat(SpecialFunctions.erf(Double.POSITIVE_INFINITY)).isEqualTo(1.0);
        assertThat(SpecialFunctions.erf(Double.NaN)).isNaN();
        assertThat(SpecialFunctions.erf(1e-320)).isCloseTo(1.1283791670955126e-320, within(1e-322));
        assertThat(SpecialFunctions.normalCdf(1.0)).isCloseTo(0.8413447460685429, within(2e-16));
        assertThat(SpecialFunctions.normalCdf(-10)).isCloseTo(7.619853024160525e-24, within(1e-13 * 7.6e-24));
        assertThat(SpecialFunctions.normalCdf(-40)).isZero();
    }

    @Test
    void logisticAndSoftplusNeverOverflow() {
        assertThat(SpecialFunctions.sigmoid(1000)).isEqualTo(1.0);
        assertThat(SpecialFunctions.sigmoid(-1000)).isEqualTo(0.0);
        assertThat(SpecialFunctions.softplus(1000)).isEqualTo(1000.0);
        assertThat(SpecialFunctions.softplus(-1000)).isEqualTo(0.0);
        assertThat(SpecialFunctions.softplus(-40)).isCloseTo(4.248354255291589e-18, within(1e-32));
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
