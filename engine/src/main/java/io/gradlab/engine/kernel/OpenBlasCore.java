package io.gradlab.engine.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which of its CPU kernels the native OpenBLAS in this process runs ("core": {@code Haswell}, {@code SkylakeX},
 * {@code Cooperlake}, ...), as OpenBLAS's own {@code openblas_get_corename()} says: a build for many CPUs chooses
 * when it loads, from the CPU and {@code OPENBLAS_CORETYPE}. The matrix product needs to know, because OpenBLAS's
 * AVX-512 cores compute small products with kernels of their own that pack nothing ({@link NetlibFloatGemm}).
 *
 * <p>Asking needs the JVM's foreign-function API ({@code --add-modules jdk.incubator.foreign}) and native access for
 * the class path ({@code --enable-native-access=ALL-UNNAMED}); the launcher gives both to the commands that train.
 * The call itself is in {@code ForeignOpenBlasCore}, loaded by name only when the module is there. Without it, or
 * without an OpenBLAS mapped into the process, the core is unknown ({@link Optional#empty()}).
 */
final class OpenBlasCore {
    private static final Logger LOG = LoggerFactory.getLogger(OpenBlasCore.class);
    /** The cores with the small-matrix kernels of OpenBLAS's SKYLAKEX family, which the products in pieces use (measured with 0.3.21). */
    static final Set<String> AVX512_CORES = Set.of("skylakex", "cooperlake", "sapphirerapids");
    private static volatile Optional<String> name;

    private OpenBlasCore() {}

    /**
     * The core of the OpenBLAS loaded in this process (once netlib has loaded it). Asked once it is loaded; before
     * that (no libopenblas mapped yet) the answer is empty and not kept.
     */
    static Optional<String> name() {
        Optional<String> n = name;
        if (n == null) {
            synchronized (OpenBlasCore.class) {
                n = name;
                if (n == null) {
                    n = ask();
                    if (n.isPresent() || mappedOpenBlas().isPresent()) {
                        name = n;
                    }
                }
            }
        }
        return n;
    }

    /** Whether {@code core} is one of {@link #AVX512_CORES}. */
    static boolean hasSmallKernels(Optional<String> core) {
        return core.map(c -> AVX512_CORES.contains(c.trim().toLowerCase(Locale.ROOT))).orElse(false);
    }

    private static Optional<String> ask() {
        if (ModuleLayer.boot().findModule("jdk.incubator.foreign").isEmpty()) {
            LOG.debug("OpenBLAS's core is not asked: the JVM runs without --add-modules jdk.incubator.foreign");
            return Optional.empty();
        }
        Optional<Path> library = mappedOpenBlas();
        if (library.isEmpty()) {
            LOG.debug("OpenBLAS's core is not asked: no libopenblas is mapped into this process (/proc/self/maps)");
            return Optional.empty();
        }
        try {
            @SuppressWarnings("unchecked")
            Supplier<String> call = (Supplier<String>) Class.forName("io.gradlab.engine.kernel.ForeignOpenBlasCore")
                    .getDeclaredConstructor(Path.class).newInstance(library.get());
            String core = call.get();
            LOG.debug("OpenBLAS {} runs its {} kernels", library.get(), core);
            return Optional.ofNullable(core).filter(c -> !c.isBlank());
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            LOG.debug("OpenBLAS's core could not be asked ({}): products run as one call each", cause.toString());
            return Optional.empty();
        }
    }

    /** The OpenBLAS library file mapped into this process, if any (Linux: {@code /proc/self/maps}). */
    static Optional<Path> mappedOpenBlas() {
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) {
            return Optional.empty();
        }
        try {
            for (String line : Files.readAllLines(maps)) {
                int slash = line.indexOf('/');
                if (slash < 0) {
                    continue;
                }
                Path file = Path.of(line.substring(slash).trim());
                if (file.getFileName().toString().startsWith("libopenblas")) {
                    return Optional.of(file);
                }
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
