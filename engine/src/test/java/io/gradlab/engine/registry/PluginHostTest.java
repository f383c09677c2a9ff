package io.gradlab.engine.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.gradlab.api.ApiVersion;
import io.gradlab.api.ComponentId;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.ComponentSpec;
import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import io.gradlab.api.diag.Severity;
import io.gradlab.api.nn.Activation;
import io.gradlab.api.nn.ElementwiseActivation;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class PluginHostTest {
    private static final ComponentId CUBE = ComponentId.of("cube");
    private static final ComponentId SQUARE = ComponentId.of("square");
    private static final List<String> MARKER = List.of("io.gradlab.engine.registry.fixture");

    @TempDir
    static Path shared;

    private static Path classes;
    /** Plugins compiled against stand-ins of gradlab API 1.0. */
    private static Path apiOneClasses;

    @TempDir
    Path plugins;

    @BeforeAll
    static void compileTestPlugins() throws IOException {
        classes = Files.createDirectories(shared.resolve("classes"));
        TestJars.compile(classes, TestPluginSources.all());
        Path apiOne = Files.createDirectories(shared.resolve("api-1.0"));
        TestJars.compile(apiOne, TestPluginSources.apiOne());
        apiOneClasses = Files.createDirectories(shared.resolve("built-for-api-1.0"));
        TestJars.compile(apiOneClasses, TestPluginSources.builtForApiOne(), apiOne);
    }

    @Test
    void healthyJarContributesAUsableActivationWithTheJarAsSource() throws IOException {
        Path jar = cubeJar(plugins, "cube.jar");

        ComponentRegistry registry = load(plugins);

        assertThat(registry.problems()).isEmpty();
        RegisteredComponent cube = registry.find(ComponentKind.ACTIVATION, CUBE).orElseThrow();
        assertThat(cube.source()).isEqualTo(new PluginSource("cube.jar", jar.toAbsolutePath().normalize(), "healthy.CubePlugin"));
        assertThat(cube.source().isClasspath()).isFalse();
        assertThat(cube.parameters()).extracting(p -> p.name()).containsExactly("scale");
        Activation activation = registry.activation(ComponentSpec.of("cube", Map.of("scale", 2)), "model.activation");
        assertThat(((ElementwiseActivation) activation).value(2.0)).isEqualTo(16.0);
        assertThat(activation.getClass().getClassLoader()).isInstanceOf(PluginClassLoader.class);
    }

    @Test
    void pluginJarClassesComeFirstExceptTheApi() throws IOException {
        cubeJar(plugins, "cube.jar");

        RegisteredComponent cube = load(plugins).find(ComponentKind.ACTIVATION, CUBE).orElseThrow();

        // the jar's own Marker, not the host's: the plugin class loader is child-first
        assertThat(cube.description()).isEqualTo("x^3, plugin jar");
        assertThat(new io.gradlab.engine.registry.fixture.Marker().origin()).isEqualTo("host");
    }

    @Test
    void serviceFileNamingAMissingClassIsReportedAndTheJarsHealthyPluginsStillWork() throws IOException {
        jar(plugins, "mixed.jar", List.of("ok"), List.of("missing.Nope", "ok.SquarePlugin"));

        ComponentRegistry registry = load(plugins);

        assertThat(registry.find(ComponentKind.ACTIVATION, SQUARE)).isPresent();
        assertThat(registry.problems()).singleElement().satisfies(p -> {
            assertThat(p.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(p.source().name()).isEqualTo("mixed.jar");
            assertThat(p.message()).isEqualTo("plugin jar mixed.jar: " + TestJars.SERVICE_FILE
                    + " names missing.Nope, but there is no such class: fix the service file and rebuild, or remove mixed.jar from "
                    + plugins.toAbsolutePath().normalize());
        });
    }

    @Test
    void providerWhoseConstructorThrowsIsReportedAndOtherJarsStillWork() throws IOException {
        jar(plugins, "throwing.jar", List.of("throwing"), List.of("throwing.ThrowingPlugin"));
        squareJar(plugins, "square.jar");

        ComponentRegistry registry = load(plugins);

        assertThat(registry.find(ComponentKind.ACTIVATION, SQUARE)).isPresent();
        assertThat(onlyMessage(registry)).contains("plugin jar throwing.jar", "throwing.ThrowingPlugin could not be created",
                "IllegalStateException: constructor boom", "public no-argument constructor", "remove throwing.jar from");
    }

    @Test
    void providerWhoseStaticInitializerThrowsIsReported() throws IOException {
        jar(plugins, "static.jar", List.of("staticinit"), List.of("staticinit.StaticInitPlugin"));

        assertThat(onlyMessage(load(plugins))).contains("plugin jar static.jar", "staticinit.StaticInitPlugin could not be created",
                "static initializer threw IllegalStateException: static boom");
    }

    @Test
    void classThatIsNotAPluginIsReported() throws IOException {
        jar(plugins, "notaplugin.jar", List.of("notaplugin"), List.of("notaplugin.NotAPlugin"));

        assertThat(onlyMessage(load(plugins))).contains("plugin jar notaplugin.jar",
                "notaplugin.NotAPlugin (named in " + TestJars.SERVICE_FILE + ") does not implement io.gradlab.api.GradlabPlugin");
    }

    @Test
    void pluginMissingAClassItNeedsIsALinkageProblemNotACrash() throws IOException {
        TestJars.jar(plugins.resolve("linkage.jar"), classes, List.of("linkage"), List.of("linkage/Base.class"),
                List.of("linkage.LinkagePlugin"), Map.of());
        squareJar(plugins, "square.jar");

        ComponentRegistry registry = load(plugins);

        assertThat(registry.find(ComponentKind.ACTIVATION, SQUARE)).isPresent();
        assertThat(onlyMessage(registry)).contains("plugin jar linkage.jar", "NoClassDefFoundError", "linkage/Base",
                "bundle its dependencies");
    }

    @Test
    void jarBuiltForApiOneIsRefusedByItsManifestWithOneLine() throws IOException {
        TestJars.jar(plugins.resolve("one.jar"), apiOneClasses, List.of("one"), List.of(), List.of("one.OnePlugin"),
                Map.of(PluginJarLoader.API_VERSION_ATTRIBUTE, "1.0"));
        squareJar(plugins, "square.jar");

        ComponentRegistry registry = load(plugins);

        assertThat(registry.find(ComponentKind.ACTIVATION, SQUARE)).isPresent();
        assertThat(registry.components()).extracting(c -> c.id().value()).containsExactly("square");
        assertThat(registry.problems()).singleElement().satisfies(p -> {
            assertThat(p.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(p.source().name()).isEqualTo("one.jar");
            assertThat(p.message()).isEqualTo("plugin jar one.jar was built for gradlab API 1.0 but this gradlab speaks 2.4:"
                    + " rebuild it against gradlab-api 2.x or remove it from " + plugins.toAbsolutePath().normalize());
        });
    }

    @Test
    void jarBuiltForApiOneWithoutTheManifestEntryIsRefusedByTheVersionInItsClassFile() throws IOException {
        TestJars.jar(plugins.resolve("one.jar"), apiOneClasses, List.of("one"), List.of(), List.of("one.OnePlugin"), Map.of());
        squareJar(plugins, "square.jar");

        ComponentRegistry registry = load(plugins);

        assertThat(registry.components()).extracting(c -> c.id().value()).containsExactly("square");
        assertThat(registry.problems()).singleElement().satisfies(p -> {
            assertThat(p.source()).isEqualTo(new PluginSource("one.jar", plugins.resolve("one.jar").toAbsolutePath().normalize(),
                    "one.OnePlugin"));
            assertThat(p.message()).isEqualTo("plugin jar one.jar was built for gradlab API 1.0 but this gradlab speaks 2.4:"
                    + " rebuild it against gradlab-api 2.x or remove it from " + plugins.toAbsolutePath().normalize());
        });
    }

    @Test
    void jarBuiltForApiOneThatCannotBeLoadedIsReportedAsBuiltForApiOneNotAsALinkageError() throws IOException {
        TestJars.jar(plugins.resolve("unlinkable.jar"), apiOneClasses, List.of("unlinkable"), List.of(),
                List.of("unlinkable.UnlinkablePlugin"), Map.of());
        squareJar(plugins, "square.jar");

        ComponentRegistry registry = load(plugins);

        assertThat(registry.find(ComponentKind.ACTIVATION, SQUARE)).isPresent();
        assertThat(onlyMessage(registry)).isEqualTo("plugin jar unlinkable.jar was built for gradlab API 1.x but this gradlab speaks 2.4"
                + " (it needs io.gradlab.api.spi.ActivationFactory, which API 2.4 does not have: NoClassDefFoundError):"
                + " rebuild it against gradlab-api 2.x or remove unlinkable.jar from " + plugins.toAbsolutePath().normalize());
    }

    @Test
    void jarBuiltForTheCurrentApiLoads() throws IOException {
        TestJars.jar(plugins.resolve("two.jar"), classes, List.of("ok"), List.of(), List.of("ok.SquarePlugin"),
                Map.of(PluginJarLoader.API_VERSION_ATTRIBUTE, ApiVersion.CURRENT));

        ComponentRegistry registry = load(plugins);

        assertThat(ApiVersion.CURRENT).isEqualTo("2.4");
        assertThat(registry.problems()).isEmpty();
        assertThat(registry.find(ComponentKind.ACTIVATION, SQUARE)).isPresent();
    }

    @Test
    void jarBuiltForAFutureApiMajorVersionIsSkippedWithOneLine() throws IOException {
        TestJars.jar(plugins.resolve("future.jar"), classes, List.of("ok"), List.of(), List.of("ok.SquarePlugin"),
                Map.of(PluginJarLoader.API_VERSION_ATTRIBUTE, "3.0"));

        ComponentRegistry registry = load(plugins);

        assertThat(registry.find(ComponentKind.ACTIVATION, SQUARE)).isEmpty();
        assertThat(onlyMessage(registry)).isEqualTo("plugin jar future.jar was built for gradlab API 3.0 but this gradlab speaks 2.4:"
                + " upgrade gradlab to one that speaks API 3.0, rebuild it against gradlab-api 2.x, or remove it from "
                + plugins.toAbsolutePath().normalize());
    }

    @Test
    void pluginDeclaringAFutureApiVersionInItsClassFileIsSkipped() throws IOException {
        jar(plugins, "future-plugin.jar", List.of("future"), List.of("future.FuturePlugin"));
        squareJar(plugins, "square.jar");

        ComponentRegistry registry = load(plugins);

        assertThat(registry.find(ComponentKind.ACTIVATION, ComponentId.of("future"))).isEmpty();
        assertThat(registry.find(ComponentKind.ACTIVATION, SQUARE)).isPresent();
        assertThat(onlyMessage(registry)).isEqualTo("plugin jar future-plugin.jar was built for gradlab API 3.0 but this gradlab"
                + " speaks 2.4: upgrade gradlab to one that speaks API 3.0, rebuild it against gradlab-api 2.x, or remove it from "
                + plugins.toAbsolutePath().normalize());
    }

    @Test
    void pluginAnsweringAnotherApiVersionWhenAskedIsSkipped() throws IOException {
        jar(plugins, "asked.jar", List.of("asked"), List.of("asked.AskedPlugin"));
        squareJar(plugins, "square.jar");

        ComponentRegistry registry = load(plugins);

        assertThat(registry.find(ComponentKind.ACTIVATION, ComponentId.of("asked"))).isEmpty();
        assertThat(registry.find(ComponentKind.ACTIVATION, SQUARE)).isPresent();
        assertThat(onlyMessage(registry)).isEqualTo("plugin asked.AskedPlugin in plugin jar asked.jar was built for"
                + " gradlab API 3.0 but this gradlab speaks 2.4: upgrade gradlab to one that speaks API 3.0, rebuild it against"
                + " gradlab-api 2.x, or remove asked.jar from " + plugins.toAbsolutePath().normalize());
    }

    @Test
    void malformedManifestApiVersionIsReported() throws IOException {
        TestJars.jar(plugins.resolve("odd.jar"), classes, List.of("ok"), List.of(), List.of("ok.SquarePlugin"),
                Map.of(PluginJarLoader.API_VERSION_ATTRIBUTE, "one"));

        assertThat(onlyMessage(load(plugins))).contains("plugin jar odd.jar declares gradlab API version 'one', which is not MAJOR.MINOR");
    }

    @Test
    void duplicateIdNamesBothJarsAndKeepsTheFirst() throws IOException {
        cubeJar(plugins, "a-cube.jar");
        jar(plugins, "b-dup.jar", List.of("dup"), List.of("dup.DupPlugin"));

        ComponentRegistry registry = load(plugins);

        assertThat(registry.find(ComponentKind.ACTIVATION, CUBE).orElseThrow().source().name()).isEqualTo("a-cube.jar");
        assertThat(registry.problems()).singleElement().satisfies(p -> {
            assertThat(p.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(p.source().name()).isEqualTo("b-dup.jar");
            assertThat(p.message()).isEqualTo("duplicate activation id 'cube': provided by plugin jar a-cube.jar (healthy.CubePlugin)"
                    + " and by plugin jar b-dup.jar (dup.DupPlugin); using the one from plugin jar a-cube.jar:"
                    + " remove one of them, or give the other component a different id");
        });
    }

    @Test
    void classpathWinsOverAPluginJarWithTheSameId(@TempDir Path lib) throws IOException {
        Path classpathJar = cubeJar(lib, "cp-plugins-1.2.3.jar");
        jar(plugins, "dup.jar", List.of("dup"), List.of("dup.DupPlugin"));

        try (URLClassLoader classpath = new URLClassLoader(new URL[] {classpathJar.toUri().toURL()}, getClass().getClassLoader())) {
            ComponentRegistry registry = new PluginHost(new PluginHostConfig(plugins, false), classpath).load();

            PluginSource source = registry.find(ComponentKind.ACTIVATION, CUBE).orElseThrow().source();
            assertThat(source).isEqualTo(new PluginSource("cp-plugins", null, "healthy.CubePlugin"));
            assertThat(onlyMessage(registry)).contains("classpath module cp-plugins (healthy.CubePlugin)", "plugin jar dup.jar (dup.DupPlugin)",
                    "using the one from classpath module cp-plugins");
        }
    }

    @Test
    void corruptZipIsReportedAndTheHealthyJarsStillWork() throws IOException {
        byte[] noise = new byte[512];
        new Random(42).nextBytes(noise);
        Files.write(plugins.resolve("x.jar"), noise);
        squareJar(plugins, "square.jar");

        ComponentRegistry registry = load(plugins);

        assertThat(registry.find(ComponentKind.ACTIVATION, SQUARE)).isPresent();
        assertThat(registry.problems()).singleElement().satisfies(p -> {
            assertThat(p.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(p.source()).isEqualTo(new PluginSource("x.jar", plugins.resolve("x.jar").toAbsolutePath().normalize(), null));
            assertThat(p.message()).startsWith("plugin jar x.jar is not a readable jar (ZipException")
                    .endsWith("replace it with a freshly built jar, or remove x.jar from " + plugins.toAbsolutePath().normalize());
        });
    }

    @Test
    void jarWithoutServiceFileIsAWarning() throws IOException {
        jar(plugins, "empty.jar", List.of("ok"), List.of());

        assertThat(load(plugins).problems()).singleElement().satisfies(p -> {
            assertThat(p.severity()).isEqualTo(Severity.WARNING);
            assertThat(p.message()).contains("plugin jar empty.jar contributes nothing", TestJars.SERVICE_FILE);
        });
    }

    @Test
    void factoryMetadataThatThrowsIsAProblemAndTheRestOfThePluginWorks() throws IOException {
        jar(plugins, "badmeta.jar", List.of("badmeta"), List.of("badmeta.BadMetaPlugin"));

        ComponentRegistry registry = load(plugins);

        assertThat(registry.components()).extracting(c -> c.id().value()).containsExactly("fine");
        assertThat(registry.problems()).extracting(PluginProblem::message).satisfiesExactlyInAnyOrder(
                m -> assertThat(m).contains("plugin jar badmeta.jar (badmeta.BadMetaPlugin): activation 'broken' cannot be registered:"
                        + " its description() threw IllegalStateException: no description"),
                m -> assertThat(m).contains("plugin jar badmeta.jar (badmeta.BadMetaPlugin): factory badmeta.BadMetaPlugin$2"
                        + " returned a null kind()"));
    }

    @Test
    void componentsThatThrowIsOneProblemAndOtherJarsStillWork() throws IOException {
        jar(plugins, "boom.jar", List.of("throwingcomponents"), List.of("throwingcomponents.ThrowingComponentsPlugin"));
        squareJar(plugins, "square.jar");

        ComponentRegistry registry = load(plugins);

        assertThat(registry.find(ComponentKind.ACTIVATION, SQUARE)).isPresent();
        assertThat(onlyMessage(registry)).isEqualTo("plugin jar boom.jar (throwingcomponents.ThrowingComponentsPlugin): components()"
                + " threw UnsupportedOperationException: components boom, so none of its components are available; fix the plugin,"
                + " or remove boom.jar from " + plugins.toAbsolutePath().normalize());
    }

    @Test
    void nonStrictProblemsAreLoggedAtWarn() throws IOException {
        Files.write(plugins.resolve("x.jar"), new byte[] {1, 2, 3});
        Logger logger = (Logger) LoggerFactory.getLogger(PluginHost.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        Level before = logger.getLevel();
        boolean additive = logger.isAdditive();
        logger.setLevel(Level.WARN);
        logger.setAdditive(false);
        logger.addAppender(appender);
        try {
            load(plugins);
        } finally {
            logger.detachAppender(appender);
            logger.setLevel(before);
            logger.setAdditive(additive);
        }
        assertThat(appender.list).anySatisfy(e -> {
            assertThat(e.getLevel()).isEqualTo(Level.WARN);
            assertThat(e.getFormattedMessage()).startsWith("plugin jar x.jar is not a readable jar");
        });
    }

    @Test
    void strictModeFailsListingEveryProblem() throws IOException {
        Files.write(plugins.resolve("x.jar"), new byte[] {1, 2, 3});
        jar(plugins, "throwing.jar", List.of("throwing"), List.of("throwing.ThrowingPlugin"));
        squareJar(plugins, "square.jar");

        GradlabException e = catchThrowableOfType(GradlabException.class,
                () -> new PluginHost(new PluginHostConfig(plugins, true), emptyClasspath()).load());

        assertThat(e.category()).isEqualTo(Category.PLUGIN);
        assertThat(e.getMessage()).contains("strict mode", "2 problem(s)", "plugin jar x.jar is not a readable jar",
                "throwing.ThrowingPlugin could not be created");
    }

    @Test
    void strictModeLoadsHealthyPlugins() throws IOException {
        squareJar(plugins, "square.jar");

        ComponentRegistry registry = new PluginHost(new PluginHostConfig(plugins, true), emptyClasspath()).load();

        assertThat(registry.find(ComponentKind.ACTIVATION, SQUARE)).isPresent();
    }

    @Test
    void givenPluginsFolderThatDoesNotExistIsAUsageError() {
        Path missing = plugins.resolve("nope");

        assertThatThrownBy(() -> load(missing))
                .isInstanceOfSatisfying(GradlabException.class, e -> assertThat(e.category()).isEqualTo(Category.USAGE))
                .hasMessageContaining("plugins folder " + missing.toAbsolutePath().normalize() + " does not exist");
    }

    @Test
    void pluginsFolderThatIsAFileIsAUsageError() throws IOException {
        Path file = Files.writeString(plugins.resolve("file.txt"), "not a folder");

        assertThatThrownBy(() -> load(file))
                .isInstanceOfSatisfying(GradlabException.class, e -> assertThat(e.category()).isEqualTo(Category.USAGE))
                .hasMessageContaining("is a file, not a folder");
    }

    @Test
    void missingDefaultPluginsFolderIsFine() {
        String previous = System.getProperty(PluginHost.HOME_PROPERTY);
        System.setProperty(PluginHost.HOME_PROPERTY, plugins.toString());
        try {
            Path defaultDir = PluginHost.defaultPluginsDir();
            assertThat(defaultDir).isEqualTo(plugins.resolve("plugins").toAbsolutePath().normalize());
            assertThat(defaultDir).doesNotExist();

            assertThat(load(defaultDir).components()).isEmpty();
        } finally {
            if (previous == null) {
                System.clearProperty(PluginHost.HOME_PROPERTY);
            } else {
                System.setProperty(PluginHost.HOME_PROPERTY, previous);
            }
        }
    }

    @Test
    void nonJarFilesInThePluginsFolderAreIgnored() throws IOException {
        Files.writeString(plugins.resolve("README.txt"), "notes");
        squareJar(plugins, "square.jar");

        ComponentRegistry registry = load(plugins);

        assertThat(registry.problems()).isEmpty();
        assertThat(registry.components()).hasSize(1);
    }

    @Test
    void hostClasspathLoadsWithoutProblems() {
        ComponentRegistry registry = new PluginHost(PluginHostConfig.classpathOnly()).load();

        assertThat(registry.problems()).isEmpty();
        assertThat(registry.components()).allSatisfy(c -> assertThat(c.source().isClasspath()).isTrue());
    }

    private static ComponentRegistry load(Path dir) {
        return new PluginHost(new PluginHostConfig(dir, false), emptyClasspath()).load();
    }

    /** A classpath with no plugins, so these tests see only their own jars. */
    private static ClassLoader emptyClasspath() {
        return new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader());
    }

    private static String onlyMessage(ComponentRegistry registry) {
        assertThat(registry.problems()).hasSize(1);
        return registry.problems().get(0).message();
    }

    private static Path cubeJar(Path dir, String name) throws IOException {
        List<String> packages = new java.util.ArrayList<>(MARKER);
        packages.add("healthy");
        return jar(dir, name, packages, List.of("healthy.CubePlugin"));
    }

    private static Path squareJar(Path dir, String name) throws IOException {
        return jar(dir, name, List.of("ok"), List.of("ok.SquarePlugin"));
    }

    private static Path jar(Path dir, String name, List<String> packages, List<String> providers) throws IOException {
        return TestJars.jar(dir.resolve(name), classes, packages, List.of(), providers,
                Map.of(PluginJarLoader.API_VERSION_ATTRIBUTE, ApiVersion.CURRENT));
    }
}
