package io.gradlab.cli.study;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.GradlabException;
import java.util.List;
import java.util.Locale;

/**
 * A study: a named set of experiment specs, one per remedy, compared against a baseline. The spec
 * files live in a folder ({@code examples/<name>/}); each remedy names its file.
 *
 * @param name     the study's name ({@code m05})
 * @param title    one line for reports
 * @param remedies the runs, the baseline first
 */
record Study(String name, String title, List<Remedy> remedies) {
    /** One run of a study: its key (the spec file name without {@code .yaml}) and a label for the table. */
    record Remedy(String key, String label) {
        Remedy {
            requireNonNull(key, "key is null");
            requireNonNull(label, "label is null");
        }

        String file() {
            return key + ".yaml";
        }
    }

    Study {
        requireNonNull(name, "name is null");
        requireNonNull(title, "title is null");
        remedies = List.copyOf(remedies);
    }

    /** The M05 vanishing-gradient study: a deep sigmoid MLP on FashionMNIST and each remedy. */
    static Study m05() {
        return new Study("m05", "M05: the vanishing gradient in a deep sigmoid MLP on FashionMNIST, and its remedies", List.of(
                new Remedy("baseline", "baseline (sigmoid, SGD, PyTorch init)"),
                new Remedy("weight-std1", "larger weights N(0, 1)"),
                new Remedy("weight-std10", "too large weights N(0, 100)"),
                new Remedy("relu", "ReLU"),
                new Remedy("adam", "Adam"),
                new Remedy("batchnorm", "batch norm"),
                new Remedy("custom-norm", "custom norm (x - mean) / std over the tensor"),
                new Remedy("custom-norm-feature", "custom norm (x - mean) / std per feature"),
                new Remedy("skip", "skip connections [[1, 3], [4, 7]]"),
                new Remedy("layerwise", "layer-wise training"),
                new Remedy("pretrain", "greedy layer-wise autoencoder pretraining"),
                new Remedy("gradnorm", "gradient normalization")));
    }

    static List<Study> all() {
        return List.of(m05());
    }

    static Study named(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        return all().stream().filter(s -> s.name().equals(n)).findFirst().orElseThrow(() -> new GradlabException(
                GradlabException.Category.USAGE, "unknown study '" + name + "'; known studies: "
                        + all().stream().map(Study::name).toList()));
    }

    /** The remedies whose keys are in {@code keys} (all when empty), in study order; unknown keys are a usage error. */
    List<Remedy> select(List<String> keys) {
        if (keys.isEmpty()) {
            return remedies;
        }
        List<String> known = remedies.stream().map(Remedy::key).toList();
        for (String k : keys) {
            if (!known.contains(k)) {
                throw new GradlabException(GradlabException.Category.USAGE, "study '" + name + "' has no remedy '" + k
                        + "'; its remedies: " + String.join(", ", known));
            }
        }
        return remedies.stream().filter(r -> keys.contains(r.key())).toList();
    }
}
