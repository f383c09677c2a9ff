package io.gradlab.engine.sweep;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One dimension of a sweep. The trials are the cartesian product of the axes, the first axis varying
 * slowest.
 */
public sealed interface Axis {
    /** How many points the axis has. */
    int size();

    /**
     * A spec key varied over values: {@code model.architecture.depth: [3, 5, 7]}.
     *
     * @param key    the dotted {@code --set} path
     * @param values the values, each already rendered as {@code --set} value text ({@code 3}, {@code relu}, {@code [64, 64]})
     */
    record Grid(String key, List<String> values) implements Axis {
        public Grid {
            requireNonNull(key, "key is null");
            values = List.copyOf(values);
            if (values.isEmpty()) {
                throw new GradlabException(Category.SPEC, "axis '" + key + "' has no values: give a list such as [1, 2, 3]");
            }
        }

        @Override
        public int size() {
            return values.size();
        }
    }

    /**
     * Keys that vary together: entry {@code i} sets all of its keys at once
     * ({@code [{activation: relu, init: he-normal}, {activation: sigmoid, init: pytorch-default}]}).
     *
     * @param name    the group's name, for messages
     * @param entries each point: dotted key to {@code --set} value text, in the file's order
     */
    record Linked(String name, List<Map<String, String>> entries) implements Axis {
        public Linked {
            requireNonNull(name, "name is null");
            entries = entries.stream().map(m -> java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(m))).toList();
            if (entries.isEmpty()) {
                throw new GradlabException(Category.SPEC, "linked group '" + name + "' has no entries");
            }
        }

        @Override
        public int size() {
            return entries.size();
        }
    }

    /**
     * Whole spec files, each a point ({@code specs: [a.yaml, b.yaml]}).
     *
     * @param files the spec files, absolute
     */
    record Specs(List<Path> files) implements Axis {
        public Specs {
            files = List.copyOf(files);
            if (files.isEmpty()) {
                throw new GradlabException(Category.SPEC, "'specs' is an empty list: name at least one spec file");
            }
        }

        @Override
        public int size() {
            return files.size();
        }
    }
}
