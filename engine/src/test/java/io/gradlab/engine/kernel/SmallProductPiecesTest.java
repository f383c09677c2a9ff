package io.gradlab.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ludovic.netlib.blas.BLAS;
import io.gradlab.api.GradlabException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The products in pieces of {@link NetlibFloatGemm} (OpenBLAS's small-matrix kernel for {@code A B^T}) and how the
 * engine learns the OpenBLAS core ({@link OpenBlasCore}). The limits are OpenBLAS's own (its
 * {@code sgemm_small_kernel_permit} for the SKYLAKEX family: at most 10^6 multiply-adds; for this form, at most 1 200
 * output elements and an inner dimension of 32 or more).
 */
class SmallProductPiecesTest {

    @ParameterizedTest(name = "{0} rows x {2} inner -> {1} columns: pieces of {3}")
    @CsvSource({
            "32, 128, 784, 32", // the reference's first layer, 32 rows per thread
            "32, 128, 128, 32", // its hidden layers
            "16, 128, 128, 64",
            "8, 256, 128, 128", // pieces of at most 144 columns, made even
            "8, 512, 784, 128",
            "32, 512, 784, 32",
            "32, 128, 2048, 0", // no piece of 16 columns keeps to 10^6 multiply-adds
            "8, 128, 128, 0", // one call is small already
            "32, 10, 784, 0", // 320 outputs, 250 880 multiply-adds: small already
            "33, 128, 128, 0", // more rows than pieces pay for (measured)
            "64, 128, 128, 0",
            "32, 128, 16, 0", // an inner dimension below 32: not the small kernel
            "32, 40, 128, 32"}) // two pieces, the second of 8 columns
    void piecesKeepToTheSmallKernelsLimits(int m, int n, int k, int expected) {
        int width = NetlibFloatGemm.pieceColumns(m, n, k);
        assertThat(width).isEqualTo(expected);
        if (width > 0) {
            assertThat((long) width * m).isLessThanOrEqualTo(NetlibFloatGemm.SMALL_OUTPUT);
            assertThat((long) width * m * k).isLessThanOrEqualTo(NetlibFloatGemm.SMALL_WORK);
            assertThat(width % 16).isZero();
            assertThat((long) m * n > NetlibFloatGemm.SMALL_OUTPUT || (long) m * n * k > NetlibFloatGemm.SMALL_WORK)
                    .as("the whole product is too large for the small kernel").isTrue();
        }
    }

    @ParameterizedTest(name = "A^T B of {0} x {1} over {2} rows: pieces of {3} rows")
    @CsvSource({
            "128, 128, 64, 64", // a hidden layer's weight gradient over a batch of 64
            "128, 784, 64, 16", // the first layer's
            "128, 784, 32, 32",
            "128, 128, 128, 0", // from 128 rows on the pieces were slower (measured)
            "128, 128, 32, 0", // small already
            "10, 128, 64, 0",
            "16, 2048, 64, 0"}) // no piece of 16 rows keeps to 10^6 multiply-adds
    void gradientPiecesKeepToTheSmallKernelsWork(int m, int n, int k, int expected) {
        int height = NetlibFloatGemm.pieceRows(m, n, k);
        assertThat(height).isEqualTo(expected);
        if (height > 0) {
            assertThat((long) height * n * k).isLessThanOrEqualTo(NetlibFloatGemm.SMALL_WORK);
            assertThat(height % 16).isZero();
        }
    }

    /** In pieces, each element of C is the same product as in one call (within float rounding), written once, and nothing else is. */
    @ParameterizedTest(name = "{0} x {2} by {1} units, beta {3}, A transposed {4}")
    @CsvSource({"32, 128, 784, 0, false", "32, 128, 128, 1, false", "16, 200, 96, 1, false", "8, 300, 128, 0, false",
            "31, 77, 64, 1, false", "128, 784, 64, 0, true", "128, 128, 64, 1, true", "100, 300, 48, 1, true"})
    void piecesComputeTheSameProductAsOneCall(int m, int n, int k, float beta, boolean transA) {
        Random r = new Random(m * 31 + n);
        int lda = (transA ? m : k) + 3; // row strides larger than the rows: views into wider tensors
        int ldb = (transA ? n : k) + 5;
        int ldc = n + 7;
        int aOff = 11;
        int bOff = 13;
        int cOff = 17;
        float[] a = fill(r, aOff + (transA ? k : m) * lda);
        float[] b = fill(r, bOff + (transA ? k : n) * ldb);
        float[] c0 = fill(r, cOff + m * ldc);
        if (beta == 0) {
            Arrays.fill(c0, cOff, c0.length, Float.NaN); // beta 0: the old contents are not read, and every element is written
        }
        float[] c1 = c0.clone();
        BLAS blas = BLAS.getInstance();
        new NetlibFloatGemm(blas, false).gemm(transA, !transA, m, n, k, 0.5f, a, aOff, lda, b, bOff, ldb, beta, c0, cOff, ldc);
        new NetlibFloatGemm(blas, true).gemm(transA, !transA, m, n, k, 0.5f, a, aOff, lda, b, bOff, ldb, beta, c1, cOff, ldc);
        for (int i = 0; i < c0.length; i++) {
            int row = (i - cOff) / ldc;
            int col = (i - cOff) % ldc;
            boolean inC = i >= cOff && row < m && col < n;
            if (inC) {
                assertThat(c1[i]).as("C[%d, %d]", row, col).isFinite().isCloseTo(c0[i], org.assertj.core.data.Offset.offset(1e-4f * (1 + Math.abs(c0[i]))));
            } else {
                assertThat(Float.floatToRawIntBits(c1[i])).as("outside C: element %d", i).isEqualTo(Float.floatToRawIntBits(c0[i]));
            }
        }
    }

    @Test
    void otherFormsAndLargerProductsAreOneCallEachTheSameBits() {
        Random r = new Random(5);
        float[] a = fill(r, 64 * 128);
        float[] b = fill(r, 128 * 128);
        BLAS blas = BLAS.getInstance();
        for (boolean[] t : new boolean[][] {{false, false}, {true, false}, {true, true}}) {
            float[] c0 = new float[32 * 128];
            float[] c1 = new float[32 * 128];
            // A is 32 x 128 (or its transpose), B 128 x 128: A B and A^T B^T are never cut, A^T B not over 128 rows
            new NetlibFloatGemm(blas, false).gemm(t[0], t[1], 32, 128, 128, 1f, a, 0, t[0] ? 32 : 128, b, 0, 128, 0f, c0, 0, 128);
            new NetlibFloatGemm(blas, true).gemm(t[0], t[1], 32, 128, 128, 1f, a, 0, t[0] ? 32 : 128, b, 0, 128, 0f, c1, 0, 128);
            assertThat(c1).as("transA %s transB %s", t[0], t[1]).isEqualTo(c0);
        }
    }

    @Test
    void onlyTheAvx512CoresHaveTheSmallKernels() {
        assertThat(OpenBlasCore.hasSmallKernels(Optional.of("Cooperlake"))).isTrue();
        assertThat(OpenBlasCore.hasSmallKernels(Optional.of("SKYLAKEX"))).isTrue();
        assertThat(OpenBlasCore.hasSmallKernels(Optional.of("SapphireRapids"))).isTrue();
        assertThat(OpenBlasCore.hasSmallKernels(Optional.of("Haswell"))).isFalse();
        assertThat(OpenBlasCore.hasSmallKernels(Optional.of("Zen"))).isFalse();
        assertThat(OpenBlasCore.hasSmallKernels(Optional.empty())).isFalse();
    }

    /**
     * With native OpenBLAS loaded (and the foreign module, which surefire adds), the engine learns the core OpenBLAS
     * runs; where {@code OPENBLAS_CORETYPE} chooses it, that is the answer, as OpenBLAS reads it itself.
     */
    @Test
    void theCoreIsOpenBlasOwnAnswer() {
        BLAS blas = BLAS.getInstance();
        boolean nativeBlas = NetlibFloatGemm.backendOf(blas).equals("native-openblas");
        boolean foreign = ModuleLayer.boot().findModule("jdk.incubator.foreign").isPresent();
        Optional<String> core = OpenBlasCore.name();
        if (nativeBlas && foreign && OpenBlasCore.mappedOpenBlas().isPresent()) {
            assertThat(core).isPresent();
            String forced = System.getenv("OPENBLAS_CORETYPE");
            if (forced != null && !forced.isBlank()) {
                assertThat(core.get().toLowerCase(Locale.ROOT)).isEqualTo(forced.trim().toLowerCase(Locale.ROOT));
            }
            assertThat(new NetlibFloatGemm(blas).detail()).startsWith("OpenBLAS core " + core.get());
        } else {
            assertThat(core).isEmpty();
        }
    }

    @Test
    void theSettingIsCheckedAndWins() {
        String before = System.getProperty(NetlibFloatGemm.PIECES_PROPERTY);
        try {
            BLAS blas = BLAS.getInstance();
            System.setProperty(NetlibFloatGemm.PIECES_PROPERTY, "on");
            assertThat(new NetlibFloatGemm(blas).pieces()).isTrue();
            System.setProperty(NetlibFloatGemm.PIECES_PROPERTY, "off");
            assertThat(new NetlibFloatGemm(blas).pieces()).isFalse();
            System.setProperty(NetlibFloatGemm.PIECES_PROPERTY, "sometimes");
            assertThatThrownBy(() -> new NetlibFloatGemm(blas)).isInstanceOf(GradlabException.class)
                    .hasMessageContaining("-Dgradlab.blas.pieces=sometimes").hasMessageContaining("auto");
        } finally {
            if (before == null) {
                System.clearProperty(NetlibFloatGemm.PIECES_PROPERTY);
            } else {
                System.setProperty(NetlibFloatGemm.PIECES_PROPERTY, before);
            }
        }
    }

    private static float[] fill(Random r, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }
}
