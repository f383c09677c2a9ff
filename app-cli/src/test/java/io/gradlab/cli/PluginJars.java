package io.gradlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradlab.api.GradlabPlugin;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.URI;
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
 * Builds a plugin jar at test time: compiles sources against the gradlab-api classes on the test class
 * path with {@code javax.tools} and packs every class with a service file naming the plugin class
 * (the minimal part of the engine's registry test helper).
 */
final class PluginJars {
    private PluginJars() {}

    /** Compiles {@code sources} (class name to source) and writes {@code jar} with {@code pluginClass} as its provider. */
    static Path build(Path jar, Path workDir, Map<String, String> sources, String pluginClass) throws IOException {
        Path classes = Files.createDirectories(workDir.resolve("classes"));
        compile(classes, sources);
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Gradlab-Api-Version", io.gradlab.api.ApiVersion.CURRENT);
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out, manifest);
             Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                zip.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                zip.write(Files.readAllBytes(file));
                zip.closeEntry();
            }
            zip.putNextEntry(new JarEntry("META-INF/services/" + GradlabPlugin.class.getName()));
            zip.write((pluginClass + "\n").getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        return jar;
    }

    private static void compile(Path classesDir, Map<String, String> sources) throws IOException {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        assertThat(compiler).as("a JDK with javax.tools").isNotNull();
        List<JavaFileObject> units = new ArrayList<>();
        sources.forEach((name, code) -> units.add(new Source(name, code)));
        StringWriter diagnostics = new StringWriter();
        try (StandardJavaFileManager files = compiler.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
            List<String> options = List.of("--release", "17", "-proc:none", "-d", classesDir.toString(),
                    "-classpath", apiClasses().toString());
            boolean ok = compiler.getTask(diagnostics, files, null, options, null, units).call();
            assertThat(ok).as("test plugin sources compile: %s", diagnostics).isTrue();
        }
    }

    private static Path apiClasses() {
        try {
            return Path.of(GradlabPlugin.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class Source extends SimpleJavaFileObject {
        private final String code;

        Source(String className, String code) {
            super(URI.create("string:///" + className.replace('.', '/') + Kind.SOURCE.extension), Kind.SOURCE);
            this.code = code;
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return code;
        }
    }
}
