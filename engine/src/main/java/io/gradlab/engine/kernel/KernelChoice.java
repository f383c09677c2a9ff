package io.gradlab.engine.kernel;

import static java.util.Objects.requireNonNull;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.JavaBLAS;
import io.gradlab.api.GradlabException;
import java.util.Locale;

/**
 * Which BLAS, which float matrix-product kernel and how many threads: from the system properties
 * {@code gradlab.blas} ({@code auto}, {@code native}, {@code java}) and {@code gradlab.threads},
 * and from what the machine has.
 */
record KernelChoice(BLAS blas, FloatGemm floatGemm, int threads) {
    static final String BLAS_PROPERTY = "gradlab.blas";
    static final String THREADS_PROPERTY = "gradlab.threads";

    KernelChoice {
        requireNonNull(blas, "blas is null");
        requireNonNull(floatGemm, "floatGemm is null");
        if (threads < 1 || threads > 256) {
            throw new GradlabException(GradlabException.Category.USAGE, "the kernel thread count must be in [1, 256], got " + threads);
        }
    }

    static KernelChoice fromSystem() {
        return of(System.getProperty(BLAS_PROPERTY, "auto"), System.getProperty(THREADS_PROPERTY));
    }

    /** {@code blasMode}: auto, native or java; {@code threads}: a number, or {@code null} for the default. */
    static KernelChoice of(String blasMode, String threads) {
        String mode = blasMode.trim().toLowerCase(Locale.ROOT);
        BLAS blas;
        FloatGemm gemm;
        switch (mode) {
            case "auto", "" -> {
                // without a system BLAS netlib's JNI loader prints a "dlopen ... failed" line on stderr: skip it when
                // the library is plainly absent (gradlab.blas=native still tries, and shows the loader's message)
                blas = NativeBlasLibrary.absent() ? JavaBLAS.getInstance() : BLAS.getInstance();
                gemm = NetlibFloatGemm.backendOf(blas).equals("native-openblas") ? new NetlibFloatGemm(blas) : javaGemm(blas);
            }
            case "native" -> {
                blas = BLAS.getInstance();
                if (!NetlibFloatGemm.backendOf(blas).equals("native-openblas")) {
                    throw new GradlabException(GradlabException.Category.USAGE, "-D" + BLAS_PROPERTY + "=native, but no native BLAS "
                            + "could be loaded: install OpenBLAS (apt-get install libopenblas0-pthread) or use -D" + BLAS_PROPERTY + "=auto");
                }
                gemm = new NetlibFloatGemm(blas);
            }
            case "java" -> {
                blas = JavaBLAS.getInstance();
                gemm = javaGemm(blas);
            }
            default -> throw new GradlabException(GradlabException.Category.USAGE, "-D" + BLAS_PROPERTY + "=" + mode
                    + " is not a BLAS choice; use auto (native OpenBLAS when installed, else Java), native or java");
        }
        return new KernelChoice(blas, gemm, threads(gemm, threads));
    }

    private static FloatGemm javaGemm(BLAS javaBlas) {
        FloatGemm vector = VectorSupport.gemm();
        return vector != null ? vector : new NetlibFloatGemm(javaBlas);
    }

    private static int threads(FloatGemm gemm, String value) {
        if (value != null && !value.isBlank()) {
            try {
                return Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                throw new GradlabException(GradlabException.Category.USAGE, "-D" + THREADS_PROPERTY + "=" + value
                        + " is not a number of threads; use a positive integer such as 1 or 2");
            }
        }
        if (gemm.backend().equals("native-openblas") && !openBlasSingleThreaded()) {
            return 1; // OpenBLAS threads the products itself
        }
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /** Whether {@code OPENBLAS_NUM_THREADS} (or {@code OMP_NUM_THREADS}) holds OpenBLAS to one thread. */
    static boolean openBlasSingleThreaded() {
        String env = System.getenv("OPENBLAS_NUM_THREADS");
        if (env == null) {
            env = System.getenv("GOTO_NUM_THREADS");
        }
        if (env == null) {
            env = System.getenv("OMP_NUM_THREADS");
        }
        return env != null && env.trim().equals("1");
    }
}
