package io.gradlab.engine.sweep;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import io.gradlab.engine.spec.ExperimentSpec;
import io.gradlab.engine.train.ExperimentRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A sweep expanded into its trials.
 *
 * <p>A trial's id is made from its axis values, {@code <key>-<value>} joined with {@code _}, the key
 * being the last segment of the axis's dotted path (two segments where the last ones clash), e.g.
 * {@code depth-5_activation-relu_init-he-normal}; a point of a {@code specs} axis adds the spec file's
 * name without extension. When that text is longer than {@value #MAX_READABLE} characters, or two
 * trials would get the same text, the id is shortened and ends in {@code _} and the first 8 hex digits
 * of the SHA-256 of the trial's axis overrides. The same axis values always give the same id.
 *
 * @param sweep  the sweep file
 * @param trials the trials, first axis varying slowest
 */
public record SweepPlan(SweepSpec sweep, List<Trial> trials) {
    /** Trials a sweep may have. */
    public static final int MAX_TRIALS = 10_000;
    static final int MAX_READABLE = 100;

    public SweepPlan {
        requireNonNull(sweep, "sweep is null");
        trials = List.copyOf(trials);
    }

    /** Expands the sweep's axes into trials; {@code extraFixed} overrides apply to every trial after the sweep's own fixed ones. */
    public static SweepPlan expand(SweepSpec sweep, List<String> extraFixed) {
        requireNonNull(sweep, "sweep is null");
        requireNonNull(extraFixed, "extraFixed is null");
        if (sweep.trialCount() > MAX_TRIALS) {
            throw new GradlabException(Category.SPEC, sweep.file() + ": the axes give " + sweep.trialCount() + " trials; the limit is "
                    + MAX_TRIALS + ": split the sweep");
        }
        Map<Path, String> texts = new HashMap<>();
        Map<String, String> shortKeys = shortKeys(sweep.axes());
        List<Point> points = new ArrayList<>();
        points.add(new Point(sweep.base(), List.of(), new LinkedHashMap<>(), List.of(), List.of()));
        for (Axis axis : sweep.axes()) {
            List<Point> next = new ArrayList<>();
            for (Point p : points) {
                for (int i = 0; i < axis.size(); i++) {
                    next.add(p.with(axis, i, shortKeys));
                }
            }
            points = next;
        }
        List<String> ids = ids(points);
        List<Trial> trials = new ArrayList<>();
        for (int i = 0; i < points.size(); i++) {
            Point p = points.get(i);
            List<String> overrides = new ArrayList<>(sweep.fixed());
            overrides.addAll(extraFixed);
            overrides.addAll(p.overrides());
            overrides.add("name=" + ids.get(i));
            Path spec = p.spec();
            String text = texts.computeIfAbsent(spec, SweepPlan::read);
            Path dir = spec.getParent() == null ? spec : spec.getParent();
            trials.add(new Trial(ids.get(i), i, spec.toString(), text, dir.toString(), overrides, p.values()));
        }
        return new SweepPlan(sweep, trials);
    }

    /**
     * Validates every trial by resolving its spec (component ids, parameters, defaults), before anything
     * runs; a bad trial fails the whole sweep with a message naming it.
     *
     * @return the resolved spec of each trial, by id
     */
    public Map<String, ExperimentSpec> validate(ExperimentRunner runner) {
        requireNonNull(runner, "runner is null");
        Map<String, ExperimentSpec> resolved = new LinkedHashMap<>();
        for (Trial trial : trials) {
            try {
                resolved.put(trial.id(), runner.resolve(trial.spec()));
            } catch (GradlabException e) {
                throw new GradlabException(e.category(), "sweep " + sweep.name() + ", " + trial.describe() + ": " + e.getMessage()
                        + " (nothing was run: fix the sweep file " + sweep.file().getFileName() + " or the spec)", e);
            }
        }
        return resolved;
    }

    /** The trial with this id. */
    public Trial trial(String id) {
        return trials.stream().filter(t -> t.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no trial " + id));
    }

    /**
     * A partial product of the axes: the spec, the overrides and display values chosen so far, the id
     * parts, and what the id's hash is made of (the overrides, and the spec file of a specs axis).
     */
    private record Point(Path spec, List<String> overrides, LinkedHashMap<String, String> values, List<String> idParts,
                         List<String> hashParts) {
        Point with(Axis axis, int i, Map<String, String> shortKeys) {
            List<String> o = new ArrayList<>(overrides);
            LinkedHashMap<String, String> v = new LinkedHashMap<>(values);
            List<String> parts = new ArrayList<>(idParts);
            List<String> hashed = new ArrayList<>(hashParts);
            Path s = spec;
            if (axis instanceof Axis.Grid g) {
                String value = g.values().get(i);
                o.add(g.key() + "=" + value);
                hashed.add(g.key() + "=" + value);
                v.put(g.key(), value);
                parts.add(shortKeys.get(g.key()) + "-" + OverrideText.slug(value));
            } else if (axis instanceof Axis.Linked l) {
                l.entries().get(i).forEach((key, value) -> {
                    o.add(key + "=" + value);
                    hashed.add(key + "=" + value);
                    v.put(key, value);
                    parts.add(shortKeys.get(key) + "-" + OverrideText.slug(value));
                });
            } else if (axis instanceof Axis.Specs sp) {
                s = sp.files().get(i);
                String fileName = s.getFileName().toString();
                v.put("spec", fileName);
                parts.add(OverrideText.slug(fileName.replaceFirst("\\.(ya?ml|json)$", "")));
                hashed.add("spec=" + fileName);
            }
            return new Point(s, o, v, parts, hashed);
        }
    }

    private static List<String> ids(List<Point> points) {
        List<String> readable = new ArrayList<>();
        Map<String, Integer> counts = new HashMap<>();
        for (Point p : points) {
            String id = p.idParts().isEmpty() ? "trial" : String.join("_", p.idParts());
            readable.add(id);
            counts.merge(id, 1, Integer::sum);
        }
        List<String> ids = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < points.size(); i++) {
            String id = readable.get(i);
            if (id.length() > MAX_READABLE || counts.get(id) > 1 || !Character.isLetterOrDigit(id.charAt(0))) {
                String head = id.length() > MAX_READABLE ? id.substring(0, MAX_READABLE) : id;
                id = head.replaceAll("[-_.]+$", "") + "_" + hash(String.join("\n", points.get(i).hashParts()));
            }
            if (!seen.add(id)) {
                throw new IllegalStateException("two trials got the id " + id);
            }
            ids.add(id);
        }
        return ids;
    }

    /** For each axis key, its last path segment, or its last two where last segments clash. */
    private static Map<String, String> shortKeys(List<Axis> axes) {
        List<String> keys = new ArrayList<>();
        for (Axis a : axes) {
            if (a instanceof Axis.Grid g) {
                keys.add(g.key());
            } else if (a instanceof Axis.Linked l) {
                keys.addAll(l.entries().get(0).keySet());
            }
        }
        Map<String, Integer> lastCounts = new HashMap<>();
        keys.forEach(k -> lastCounts.merge(last(k, 1), 1, Integer::sum));
        Map<String, String> out = new HashMap<>();
        for (String k : keys) {
            out.put(k, lastCounts.get(last(k, 1)) > 1 ? last(k, 2) : last(k, 1));
        }
        return out;
    }

    private static String last(String key, int segments) {
        String[] parts = key.split("\\.");
        int from = Math.max(0, parts.length - segments);
        return String.join(".", java.util.Arrays.copyOfRange(parts, from, parts.length));
    }

    static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    private static String read(Path spec) {
        try {
            return Files.readString(spec, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new GradlabException(Category.IO, spec + ": spec file not found (named in the sweep file)", e);
        } catch (IOException e) {
            throw new GradlabException(Category.IO, spec + ": cannot read the spec file: " + e.getMessage(), e);
        }
    }
}
