package io.gradlab.engine.registry;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import io.gradlab.engine.run.RunFolder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@value #FILE_NAME} in a plugins folder: the SHA-256 of each trusted jar, one line
 * {@code <64 hex digits>  <file name>} as {@code sha256sum} writes it ({@code #} comments and blank
 * lines allowed). When the file exists, the host loads only the jars it lists with their hash.
 */
public final class PluginLock {
    public static final String FILE_NAME = "plugins.lock";
    /** A lock file larger than this is refused (about 100 000 jars). */
    static final long MAX_BYTES = 10L * 1024 * 1024;
    private static final Pattern LINE = Pattern.compile("([0-9a-fA-F]{64}) [ *]([^/\\\\]+)");

    private final Path file;
    private final Map<String, String> hashes;

    private PluginLock(Path file, Map<String, String> hashes) {
        this.file = file;
        this.hashes = Collections.unmodifiableMap(new LinkedHashMap<>(hashes));
    }

    /** The jar file names and their lower-case hex SHA-256, in file order. */
    public Map<String, String> hashes() {
        return hashes;
    }

    public Path file() {
        return file;
    }

    /** The lock file of {@code pluginsDir}, or empty when it has none. */
    public static Optional<PluginLock> read(Path pluginsDir) {
        Path file = requireNonNull(pluginsDir, "pluginsDir is null").resolve(FILE_NAME);
        List<String> lines;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new GradlabException(Category.PLUGIN, file + " is larger than " + MAX_BYTES + " bytes: it is not a plugins lock file;"
                        + " remove it and run gradlab plugins --lock");
            }
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new GradlabException(Category.PLUGIN, "cannot read " + file + " (" + e.getMessage() + "); fix its permissions or"
                    + " remove it and run gradlab plugins --lock", e);
        }
        Map<String, String> hashes = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                throw new GradlabException(Category.PLUGIN, file + ": line " + (i + 1) + " is not '<sha256>  <jar file name>': "
                        + abbreviate(line) + "; fix it or run gradlab plugins --lock to write the file again");
            }
            if (hashes.put(m.group(2), m.group(1).toLowerCase(Locale.ROOT)) != null) {
                throw new GradlabException(Category.PLUGIN, file + ": line " + (i + 1) + " lists " + m.group(2)
                        + " a second time; keep one line per jar");
            }
        }
        return Optional.of(new PluginLock(file, hashes));
    }

    /** Writes the lock file of every {@code *.jar} in {@code pluginsDir} (atomically) and returns it. */
    public static PluginLock write(Path pluginsDir) {
        requireNonNull(pluginsDir, "pluginsDir is null");
        if (!Files.isDirectory(pluginsDir)) {
            throw new GradlabException(Category.USAGE, "plugins folder " + pluginsDir + " does not exist: nothing to lock");
        }
        PluginTrust.checkFolder(pluginsDir);
        Map<String, String> hashes = new LinkedHashMap<>();
        for (Path jar : jars(pluginsDir)) {
            hashes.put(jar.getFileName().toString(), sha256(jar));
        }
        StringBuilder text = new StringBuilder("# gradlab plugins lock: the SHA-256 of each trusted plugin jar; written by gradlab plugins --lock\n");
        hashes.forEach((name, hash) -> text.append(hash).append("  ").append(name).append('\n'));
        Path file = pluginsDir.resolve(FILE_NAME);
        RunFolder.writeAtomically(file, text.toString().getBytes(StandardCharsets.UTF_8));
        return new PluginLock(file, hashes);
    }

    /** The {@code *.jar} files of a folder, sorted by name. */
    static List<Path> jars(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jar"))
                    .filter(Files::isRegularFile)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new GradlabException(Category.IO, "cannot list plugins folder " + dir + " (" + e.getMessage()
                    + "): check its permissions", e);
        }
    }

    /** The lower-case hex SHA-256 of a file. */
    public static String sha256(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            throw new GradlabException(Category.IO, "cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** The names of listed jars that are not in {@code present}. */
    List<String> missing(List<Path> present) {
        List<String> names = present.stream().map(p -> p.getFileName().toString()).toList();
        List<String> out = new ArrayList<>();
        for (String listed : hashes.keySet()) {
            if (!names.contains(listed)) {
                out.add(listed);
            }
        }
        return out;
    }

    private static String abbreviate(String line) {
        return line.length() <= 80 ? "'" + line + "'" : "'" + line.substring(0, 77) + "...'";
    }
}
