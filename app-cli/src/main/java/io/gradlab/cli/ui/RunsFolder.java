package io.gradlab.cli.ui;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The run folders the UI may show: the direct subfolders of one runs folder that hold a
 * {@code spec.resolved.yaml}. A run is named by its folder name alone; anything else (a path, {@code ..},
 * a symlink leading out of the runs folder) is not a run here. A run's epochs are counted from the bytes its
 * {@code metrics.jsonl} gained since the last listing.
 */
final class RunsFolder {
    static final String SPEC = "spec.resolved.yaml";
    static final String METRICS = "metrics.jsonl";
    static final String SUMMARY = "summary.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final Path root;
    /** Per metrics file: the bytes counted so far and the complete lines among them, so a listing reads only what was added. */
    private final Map<Path, long[]> counted = new ConcurrentHashMap<>();

    RunsFolder(Path root) {
        this.root = requireNonNull(root, "root is null").toAbsolutePath().normalize();
    }

    Path root() {
        return root;
    }

    /** The folder of the run named {@code id}, if {@code id} names one directly inside the runs folder. */
    Optional<Path> resolve(String id) {
        if (id == null || id.isEmpty() || id.contains("/") || id.contains("\\") || id.equals(".") || id.equals("..")
                || id.indexOf('\0') >= 0) {
            return Optional.empty();
        }
        Path dir = root.resolve(id).normalize();
        if (!dir.getParent().equals(root) || !Files.isRegularFile(dir.resolve(SPEC), LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        try {
            if (!dir.toRealPath().startsWith(root.toRealPath())) {
                return Optional.empty();
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.of(dir);
    }

    /** One line of the run list. */
    record RunEntry(String id, String name, String status, int epochs, int planned, long modified) {}

    /** The runs, newest first. */
    List<RunEntry> list() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<RunEntry> out = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.sorted().toList()) {
                String id = dir.getFileName().toString();
                if (resolve(id).isPresent()) {
                    out.add(entry(id, dir));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.sort(Comparator.comparingLong(RunEntry::modified).reversed().thenComparing(RunEntry::id));
        return out;
    }

    private RunEntry entry(String id, Path dir) {
        Map<String, Object> spec = flatSpec(dir);
        String status = summary(dir).map(s -> s.path("status").asText("running")).orElse("running");
        int planned = spec.get("training.epochs") instanceof Number n ? n.intValue() : 0;
        Object name = spec.getOrDefault("name", id);
        long modified;
        int epochs = 0;
        try {
            Path metrics = dir.resolve(METRICS);
            modified = Files.getLastModifiedTime(Files.exists(metrics) ? metrics : dir.resolve(SPEC)).toMillis();
            if (Files.exists(metrics)) {
                epochs = (int) lines(metrics);
            }
        } catch (IOException | UncheckedIOException e) {
            modified = 0;
        }
        return new RunEntry(id, String.valueOf(name), status, epochs, planned, modified);
    }

    /** The complete lines of {@code file}, reading only the bytes added since the last count (all of it again when it shrank). */
    private long lines(Path file) throws IOException {
        long size = Files.size(file);
        long[] state = counted.computeIfAbsent(file, f -> new long[2]);
        synchronized (state) {
            if (size < state[0]) {
                state[0] = 0;
                state[1] = 0;
            }
            if (size > state[0]) {
                try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
                    raf.seek(state[0]);
                    byte[] buf = new byte[8192];
                    long left = size - state[0];
                    while (left > 0) {
                        int n = raf.read(buf, 0, (int) Math.min(buf.length, left));
                        if (n < 0) {
                            break;
                        }
                        for (int i = 0; i < n; i++) {
                            if (buf[i] == '\n') {
                                state[1]++;
                            }
                        }
                        left -= n;
                        state[0] += n;
                    }
                }
            }
            return state[1];
        }
    }

    static Optional<JsonNode> summary(Path dir) {
        Path file = dir.resolve(SUMMARY);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readTree(file.toFile()));
        } catch (IOException e) {
            return Optional.empty(); // being replaced right now: the next look finds it whole
        }
    }

    /** {@code spec.resolved.yaml} as dotted keys ({@code training.optimizer.lr}) and their values. */
    static Map<String, Object> flatSpec(Path dir) {
        Map<String, Object> out = new LinkedHashMap<>();
        try {
            flatten("", YAML.readTree(dir.resolve(SPEC).toFile()), out);
        } catch (IOException e) {
            out.put("error", "cannot read " + SPEC + ": " + e.getMessage());
        }
        return out;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, Object> out) {
        if (node == null) {
            return;
        }
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                flatten(prefix.isEmpty() ? f.getKey() : prefix + "." + f.getKey(), f.getValue(), out);
            }
        } else if (node.isArray()) {
            if (node.isEmpty()) {
                out.put(prefix, List.of());
            }
            for (int i = 0; i < node.size(); i++) {
                flatten(prefix + "[" + i + "]", node.get(i), out);
            }
        } else {
            out.put(prefix, JSON.convertValue(node, Object.class));
        }
    }
}
