package io.gradlab.engine.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gradlab.api.ApiVersion;
import io.gradlab.api.ComponentId;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.GradlabException;
import io.gradlab.api.diag.Severity;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plugin trust: POSIX write permissions of the folder, the lock file and each jar; the plugins.lock hashes. */
class PluginTrustTest {
    private static final ComponentId SQUARE = ComponentId.of("square");

    @TempDir
    static Path shared;

    private static Path classes;

    @TempDir
    Path plugins;

    @BeforeAll
    static void compileTestPlugins() throws IOException {
        classes = Files.createDirectories(shared.resolve("classes"));
        Map<String, String> ok = new java.util.LinkedHashMap<>();
        TestPluginSources.all().forEach((name, source) -> {
            if (name.startsWith("ok.")) {
                ok.put(name, source);
            }
        });
        TestJars.compile(classes, ok);
    }

    private static Path squareJar(Path dir, String name) throws IOException {
        return TestJars.jar(dir.resolve(name), classes, List.of("ok"), List.of(), List.of("ok.SquarePlugin"),
                Map.of(PluginJarLoader.API_VERSION_ATTRIBUTE, ApiVersion.CURRENT));
    }

    private static ComponentRegistry load(Path dir, boolean strict) {
        return new PluginHost(new PluginHostConfig(dir, strict), new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader())).load();
    }

    private static void chmod(Path path, String perms) throws IOException {
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(perms));
    }

    @Test
    void aFolderOthersCanWriteToIsRefusedWithTheFix() throws IOException {
        squareJar(plugins, "square.jar");
        chmod(plugins, "rwxrwxr-x");
        assertThatThrownBy(() -> load(plugins, false))
                .isInstanceOf(GradlabException.class)
                .satisfies(e -> assertThat(((GradlabException) e).category()).isEqualTo(GradlabException.Category.PLUGIN))
                .hasMessage("plugins folder " + plugins.toAbsolutePath().normalize() + " is writable by other users (rwxrwxr-x): anyone who"
                        + " can write there can run code as you, so gradlab loads no plugins from it; fix it with chmod go-w "
                        + plugins.toAbsolutePath().normalize());
        chmod(plugins, "rwxr-xr-x");
        assertThat(load(plugins, false).find(ComponentKind.ACTIVATION, SQUARE)).isPresent();
    }

    @Test
    void aJarOthersCanWriteToIsSkippedAndTheOthersLoad() throws IOException {
        Path bad = squareJar(plugins, "a-square.jar");
        Path good = squareJar(plugins, "b-square.jar");
        chmod(bad, "rw-rw-rw-");
        ComponentRegistry registry = load(plugins, false);
        assertThat(registry.problems()).singleElement().satisfies(p -> {
            assertThat(p.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(p.message()).isEqualTo("plugin jar a-square.jar is writable by other users (rw-rw-rw-) and was not loaded:"
                    + " fix it with chmod go-w " + bad.toAbsolutePath().normalize());
        });
        assertThat(registry.find(ComponentKind.ACTIVATION, SQUARE).orElseThrow().source().name()).isEqualTo("b-square.jar");
        assertThatThrownBy(() -> load(plugins, true)).isInstanceOf(GradlabException.class).hasMessageContaining("chmod go-w");
        assertThat(good).exists();
    }

    @Test
    void theLockFileListsEachJarWithItsSha256LikeSha256sum() throws Exception {
        Path jar = squareJar(plugins, "square.jar");
        PluginLock lock = PluginLock.write(plugins);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(jar)));
        assertThat(lock.hashes()).containsExactly(Map.entry("square.jar", sha));
        assertThat(Files.readAllLines(plugins.resolve(PluginLock.FILE_NAME))).filteredOn(l -> !l.startsWith("#"))
                .containsExactly(sha + "  square.jar");
        ComponentRegistry registry = load(plugins, true);
        assertThat(registry.problems()).isEmpty();
        assertThat(registry.find(ComponentKind.ACTIVATION, SQUARE)).isPresent();
    }

    @Test
    void withALockAChangedOrUnlistedJarIsRefusedAndAMissingOneIsAWarning() throws IOException {
        Path changed = squareJar(plugins, "changed.jar");
        squareJar(plugins, "gone.jar");
        PluginLock.write(plugins);
        Files.delete(plugins.resolve("gone.jar"));
        Files.write(changed, new byte[] {0}, StandardOpenOption.APPEND);
        squareJar(plugins, "new.jar");

        ComponentRegistry registry = load(plugins, false);
        Path lockFile = plugins.toAbsolutePath().normalize().resolve(PluginLock.FILE_NAME);
        assertThat(registry.problems()).extracting(PluginProblem::severity)
                .containsExactly(Severity.WARNING, Severity.CRITICAL, Severity.CRITICAL);
        assertThat(registry.problems().get(0).message()).isEqualTo(lockFile + " lists gone.jar, which is not in "
                + plugins.toAbsolutePath().normalize() + ": run gradlab plugins --lock to update it");
        assertThat(registry.problems().get(1).message()).startsWith("plugin jar changed.jar does not match " + lockFile + " (SHA-256 ")
                .endsWith("and was not loaded: it changed since the lock was written; if you replaced it on purpose, run gradlab plugins --lock");
        assertThat(registry.problems().get(2).message()).startsWith("plugin jar new.jar is not listed in " + lockFile + " and was not loaded");
        assertThat(registry.find(ComponentKind.ACTIVATION, SQUARE)).isEmpty();
    }

    @Test
    void aHandWrittenLockInSha256sumBinaryModeIsAccepted() throws Exception {
        Path jar = squareJar(plugins, "square.jar");
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(jar)));
        Files.writeString(plugins.resolve(PluginLock.FILE_NAME), "\n# mine\n" + sha.toUpperCase() + " *square.jar\n");
        assertThat(load(plugins, true).find(ComponentKind.ACTIVATION, SQUARE)).isPresent();
    }

    @Test
    void aMalformedOrUnsafeLockFileIsFatal() throws IOException {
        squareJar(plugins, "square.jar");
        Path lockFile = plugins.resolve(PluginLock.FILE_NAME);
        Files.writeString(lockFile, "# ok\nabc123  square.jar\n");
        assertThatThrownBy(() -> load(plugins, false))
                .isInstanceOf(GradlabException.class)
                .hasMessageContaining(PluginLock.FILE_NAME + ": line 2 is not '<sha256>  <jar file name>': 'abc123  square.jar'");
        Files.writeString(lockFile, "0".repeat(64) + "  ../evil.jar\n");
        assertThatThrownBy(() -> load(plugins, false)).isInstanceOf(GradlabException.class).hasMessageContaining("line 1 is not");

        PluginLock.write(plugins);
        chmod(lockFile, "rw-rw-rw-");
        assertThatThrownBy(() -> load(plugins, false))
                .isInstanceOf(GradlabException.class)
                .hasMessageContaining("is writable by other users (rw-rw-rw-), so it cannot vouch for the plugin jars: fix it with chmod go-w");
    }

    @Test
    void lockingAFolderOthersCanWriteToIsRefused() throws IOException {
        chmod(plugins, "rwxrwxrwx");
        assertThatThrownBy(() -> PluginLock.write(plugins)).isInstanceOf(GradlabException.class).hasMessageContaining("chmod go-w");
        assertThat(plugins.resolve(PluginLock.FILE_NAME)).doesNotExist();
    }
}
