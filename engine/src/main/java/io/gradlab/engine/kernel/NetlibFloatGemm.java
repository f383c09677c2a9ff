package io.gradlab.engine.kernel;

import static java.util.Objects.requireNonNull;

import dev.ludovic.netlib.blas.BLAS;
import io.gradlab.api.GradlabException;
import java.util.Locale;

/**
 * {@link FloatGemm} on a netlib BLAS. Row-major matrices are passed to the column-major BLAS as
 * their transposes: {@code C = A B} is computed as {@code C^T = B^T A^T}.
 *
 * <p><b>Small products in pieces.</b> OpenBLAS's AVX-512 cores ({@link OpenBlasCore#AVX512_CORES}) compute a product
 * with a kernel that packs nothing when it is small: at most 10^6 multiply-adds and, for the form {@code A B^T} (a
 * dense layer's forward pass, {@code x W^T}), at most 1 200 output elements and an inner dimension of 32 or more.
 * Above that the product goes through OpenBLAS's general path, which first packs both operands: for a batch of 32
 * rows or fewer that packing costs more than the product. So with those cores, {@code A B^T} of at most 32 rows
 * whose output or work exceeds those limits is computed in pieces of the output's columns that fit them (multiples of
 * 16). Measured on one thread of an AVX-512 EPYC (OpenBLAS 0.3.21, Cooperlake core), pieces against one call: 32 × 784
 * by 128 units 45.6 against 54.8 µs, 32 × 128 by 128 6.6 against 9.4, 16 × 128 by 128 3.4 against 5.8, 8 × 128 by 256
 * 3.7 against 10.1; from 48 rows on the pieces were no faster, and the Haswell core (no such kernel) ran them 0–16%
 * slower, so they are used only with the AVX-512 cores. Likewise {@code A^T B} (a weight gradient {@code dY^T X}) over
 * at most 64 rows of a batch whose work exceeds 10^6 multiply-adds goes in pieces of the output's rows: 128 × 128 over
 * 64 rows 10.6 against 12.7 µs, 784 × 128 over 32 rows 33.0 against 40.0 (over 128 rows and more, slower). Each output element is then computed by the small kernel,
 * whose last bits differ from the general path's: the bits of a run depend on the core (as they do anyway) and on
 * the shapes, not on anything measured. {@code -Dgradlab.blas.pieces=auto|on|off} (default auto: by the core).
 */
final class NetlibFloatGemm implements FloatGemm {
    static final String PIECES_PROPERTY = "gradlab.blas.pieces";
    /** The limits of OpenBLAS's small-matrix kernel for {@code A B^T}, and the most rows split into pieces. */
    static final int SMALL_OUTPUT = 1200;
    static final long SMALL_WORK = 1_000_000L;
    static final int SMALL_INNER = 32;
    static final int PIECE_ROWS = 32;
    /** The largest inner dimension (rows of a batch) of {@code A^T B} computed in pieces. */
    static final int PIECE_INNER = 64;

    private final BLAS blas;
    private final boolean pieces;

    /** Products on {@code blas}, in pieces as {@code -Dgradlab.blas.pieces} and the OpenBLAS core say. */
    NetlibFloatGemm(BLAS blas) {
        this(blas, piecesBySystem(blas));
    }

    /** Products on {@code blas}, small {@code A B^T} in pieces when {@code pieces}. */
    NetlibFloatGemm(BLAS blas, boolean pieces) {
        this.blas = requireNonNull(blas, "blas is null");
        this.pieces = pieces;
    }

    /** Whether small products are computed in pieces: {@code -Dgradlab.blas.pieces}, else whether the core has the kernel. */
    static boolean piecesBySystem(BLAS blas) {
        String setting = System.getProperty(PIECES_PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
        return switch (setting) {
            case "on", "true" -> true;
            case "off", "false" -> false;
            case "auto", "" -> backendOf(blas).equals("native-openblas") && OpenBlasCore.hasSmallKernels(OpenBlasCore.name());
            default -> throw new GradlabException(GradlabException.Category.USAGE, "-D" + PIECES_PROPERTY + "="
                    + setting + " is not a choice; use auto (by OpenBLAS's core), on or off");
        };
    }

    /** Whether small products are computed in pieces. */
    boolean pieces() {
        return pieces;
    }

    /**
     * The width (output columns) of the pieces of {@code A B^T} with {@code m} rows, {@code n} columns and inner
     * dimension {@code k} that OpenBLAS's small-matrix kernel takes, or 0: one call.
     */
    static int pieceColumns(int m, int n, int k) {
        if (m > PIECE_ROWS || k < SMALL_INNER || ((long) m * n <= SMALL_OUTPUT && (long) m * n * k <= SMALL_WORK)) {
            return 0;
        }
        int width = SMALL_OUTPUT / m / 16 * 16;
        while (width >= 16 && (long) width * m * k > SMALL_WORK) {
            width -= 16;
        }
        return even(n, width);
    }

    /**
     * The height (output rows) of the pieces of {@code A^T B} ({@code m x n}, inner dimension {@code k}: a weight
     * gradient {@code dY^T X} over {@code k} rows of a batch) that OpenBLAS's small-matrix kernel takes, or 0: one
     * call. Only for inner dimensions up to {@link #PIECE_INNER}: from 128 rows on the pieces were slower.
     */
    static int pieceRows(int m, int n, int k) {
        if (k > PIECE_INNER || (long) m * n * k <= SMALL_WORK) {
            return 0;
        }
        long height = SMALL_WORK / ((long) n * k) / 16 * 16;
        return height < 16 ? 0 : even(m, (int) Math.min(height, m));
    }

    /** Pieces of {@code total} of about equal size (multiples of 16, at most {@code most}), or 0 when one piece is all. */
    private static int even(int total, int most) {
        if (most < 16) {
            return 0;
        }
        int pieces = (total + most - 1) / most;
        int size = ((total + pieces - 1) / pieces + 15) / 16 * 16;
        return size < total ? Math.min(size, most) : 0;
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        if (pieces && !transA && transB) {
            int width = pieceColumns(m, n, k);
            if (width > 0) { // columns [j, j + w) of C: A times rows [j, j + w) of B, transposed
                for (int j = 0; j < n; j += width) {
                    int w = Math.min(width, n - j);
                    blas.sgemm("T", "N", w, m, k, alpha, b, bOff + j * ldb, ldb, a, aOff, lda, beta, c, cOff + j, ldc);
                }
                return;
            }
        } else if (pieces && transA && !transB) {
            int height = pieceRows(m, n, k);
            if (height > 0) { // rows [i, i + h) of C: columns [i, i + h) of A, transposed, times B
                for (int i = 0; i < m; i += height) {
                    int h = Math.min(height, m - i);
                    blas.sgemm("N", "T", n, h, k, alpha, b, bOff, ldb, a, aOff + i, lda, beta, c, cOff + i * ldc, ldc);
                }
                return;
            }
        }
        blas.sgemm(transB ? "T" : "N", transA ? "T" : "N", n, m, k, alpha, b, bOff, ldb, a, aOff, lda, beta, c, cOff, ldc);
    }

    @Override
    public String backend() {
        return backendOf(blas);
    }

    @Override
    public String detail() {
        if (!backend().equals("native-openblas")) {
            return "";
        }
        String core = OpenBlasCore.name().map(c -> "OpenBLAS core " + c).orElse("OpenBLAS core not known");
        return core + (pieces ? ", small products in pieces" : "");
    }

    static String backendOf(BLAS blas) {
        String name = blas.getClass().getSimpleName();
        if (name.startsWith("JNI")) {
            return "native-openblas";
        }
        if (name.contains("VectorBLAS")) {
            return "java-vector";
        }
        return "java";
    }
}
