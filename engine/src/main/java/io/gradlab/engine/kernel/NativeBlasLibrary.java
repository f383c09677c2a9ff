package io.gradlab.engine.kernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whether the system BLAS library that netlib's JNI loader opens ({@code libblas.so.3}, e.g. from
 * {@code libopenblas0-pthread}) is plainly absent on Linux: not in the dynamic linker's cache
 * ({@code /etc/ld.so.cache}), nor in {@code LD_LIBRARY_PATH} or the usual library folders. Anywhere
 * else, or when netlib is told which library to open, the answer is "not known to be absent".
 */
final class NativeBlasLibrary {
    static final String NAME = "libblas.so.3";

    private NativeBlasLibrary() {}

    static boolean absent() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")
                || System.getProperty("dev.ludovic.netlib.blas.nativeLib") != null
                || System.getProperty("dev.ludovic.netlib.blas.nativeLibPath") != null) {
            return false;
        }
        List<Path> dirs = new ArrayList<>();
        String ldPath = System.getenv("LD_LIBRARY_PATH");
        if (ldPath != null) {
            for (String d : ldPath.split(":")) {
                if (!d.isBlank()) {
                    dirs.add(Path.of(d));
                }
            }
        }
        for (String d : List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib/riscv64-linux-gnu",
                "/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/lib64", "/lib", "/usr/local/lib")) {
            dirs.add(Path.of(d));
        }
        for (Path d : dirs) {
            if (Files.exists(d.resolve(NAME))) {
                return false;
            }
        }
        try {
            Path cache = Path.of("/etc/ld.so.cache");
            return !Files.isReadable(cache) || !new String(Files.readAllBytes(cache), StandardCharsets.ISO_8859_1).contains(NAME);
        } catch (IOException e) {
            return false;
        }
    }
}
