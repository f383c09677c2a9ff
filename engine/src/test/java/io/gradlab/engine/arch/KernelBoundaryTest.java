package io.gradlab.engine.arch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every component reaches the kernels through the {@code api}'s {@code Ops} contract: no main source of
 * any module casts to, or tests for, an engine kernel class outside the kernel package itself. (Code
 * may still construct the engine's kernels: the CLI and the runner create a {@code BlasOps}.)
 */
class KernelBoundaryTest {
    private static final String KERNEL_CLASSES = "BlasOps|FloatKernels|WorkerGang|ElementwiseRunner|BlockEval|FloatGemm";
    private static final Pattern CAST = Pattern.compile(
            "instanceof\\s+(?:[\\w.]+\\.)?(" + KERNEL_CLASSES + ")\\b|\\(\\s*(?:[\\w.]+\\.)?(" + KERNEL_CLASSES + ")\\s*\\)\\s*[\\w(]");
    private static final String KERNEL_PACKAGE = "engine/src/main/java/io/gradlab/engine/kernel/".replace('/', java.io.File.separatorChar);

    @Test
    void nothingOutsideTheKernelPackageCastsToAKernelClass() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent(); // the engine module's folder is the working directory
        assertThat(root.resolve("pom.xml")).as("the project root").exists();
        List<String> offenders = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> p.toString().contains("src" + java.io.File.separator + "main" + java.io.File.separator))
                    .filter(p -> !p.toString().contains(KERNEL_PACKAGE))
                    .filter(p -> !p.toString().contains(java.io.File.separator + "target" + java.io.File.separator))
                    .forEach(p -> scan(root, p, offenders));
        }
        assertThat(offenders).as("casts to engine kernel classes outside " + KERNEL_PACKAGE + ": add what the caller needs to "
                + "io.gradlab.api.tensor.Ops instead").isEmpty();
    }

    private static void scan(Path root, Path file, List<String> offenders) {
        try {
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = CAST.matcher(lines.get(i));
                if (m.find()) {
                    offenders.add(root.relativize(file) + ":" + (i + 1) + ": " + lines.get(i).trim());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
