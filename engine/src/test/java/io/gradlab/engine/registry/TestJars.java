package io.gradlab.engine.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradlab.api.ApiVersion;
import io.gradlab.api.GradlabPlugin;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Builds tiny plugin jars at test time: compiles sources against the api classes, then packs chosen
 * classes. The engine's registry tests use it, and other modules' tests through the engine's test jar
 * ({@code <type>test-jar</type>}, which holds only this class): app-cli's tests build plugins for the
 * command line with {@link #build}.
 */
public final class TestJars {
    public static final String SERVICE_FILE = "META-INF/services/" + GradlabPlugin.class.getName();

    private TestJars() {}

    /**
     * Compiles {@code sources} (class name to source) into {@code workDir/classes} and writes {@code jar}
     * with every class, {@code pluginClass} as its provider and the current API version in its manifest:
     * a plugin jar as the host expects it.
     */
    public static Path build(Path jar, Path workDir, Map<String, String> sources, String pluginClass) throws IOException {
        Path classes = Files.createDirectories(workDir.resolve("classes"));
        compile(classes, sources);
        List<String> packages;
        try (Stream<Path> files = Files.walk(classes)) {
            packages = files.filter(f -> f.toString().endsWith(".class")).map(f -> classes.relativize(f.getParent()).toString())
                    .map(dir -> dir.replace('\\', '/').replace('/', '.')).distinct().sorted().toList();
        }
        return jar(jar, classes, packages, List.of(), List.of(pluginClass), Map.of("Gradlab-Api-Version", ApiVersion.CURRENT));
    }

    /** Compiles {@code sources} (class name to source) against gradlab-api into {@code classesDir}. */
    public static void compile(Path classesDir, Map<String, String> sources) throws IOException {
        compile(classesDir, sources, apiClasses());
    }

    /**
     * Compiles {@code sources} against {@code classpath} instead of this gradlab-api: against stand-ins of
     * an older API, to build the jars of plugins made for it.
     */
    public static void compile(Path classesDir, Map<String, String> sources, Path classpath) throws IOException {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        assertThat(compiler).as("a JDK with javax.tools").isNotNull();
        List<JavaFileObject> units = new ArrayList<>();
        sources.forEach((name, code) -> units.add(new Source(name, code)));
        StringWriter diagnostics = new StringWriter();
        try (StandardJavaFileManager files = compiler.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
            List<String> options = List.of("--release", "17", "-proc:none", "-d", classesDir.toString(),
                    "-classpath", classpath.toString());
            boolean ok = compiler.getTask(diagnostics, files, null, options, null, units).call();
            assertThat(ok).as("test plugin sources compile: %s", diagnostics).isTrue();
        }
    }

    /**
     * Writes a jar holding the classes of {@code packages} from {@code classesDir} (except {@code excluded}
     * class files), a service file listing {@code providers} (none: no service file) and the manifest
     * {@code attributes}.
     */
    public static Path jar(Path jar, Path classesDir, List<String> packages, List<String> excluded, List<String> providers,
            Map<String, String> attributes) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        attributes.forEach((k, v) -> manifest.getMainAttributes().putValue(k, v));
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out, manifest)) {
            for (String pkg : packages) {
                Path dir = classesDir.resolve(pkg.replace('.', '/'));
                try (Stream<Path> classes = Files.list(dir)) {
                    for (Path file : classes.filter(Files::isRegularFile).sorted().toList()) {
                        String entry = classesDir.relativize(file).toString().replace('\\', '/');
                        if (!excluded.contains(entry)) {
                            zip.putNextEntry(new JarEntry(entry));
                            zip.write(Files.readAllBytes(file));
                            zip.closeEntry();
                        }
                    }
                }
            }
            if (!providers.isEmpty()) {
                zip.putNextEntry(new JarEntry(SERVICE_FILE));
                zip.write(("# test plugins\n" + String.join("\n", providers) + "\n").getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return jar;
    }

    /** Where the gradlab-api classes are (a folder or a jar): the class path the sources compile against. */
    public static Path apiClasses() {
        try {
            return Path.of(GradlabPlugin.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class Source extends SimpleJavaFileObject {
        private final String code;

        Source(String className, String code) {
            super(java.net.URI.create("string:///" + className.replace('.', '/') + Kind.SOURCE.extension), Kind.SOURCE);
            this.code = code;
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return code;
        }
    }
}
