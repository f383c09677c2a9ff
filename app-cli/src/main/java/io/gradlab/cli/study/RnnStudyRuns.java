package io.gradlab.cli.study;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.GradlabException;
import java.util.List;

/** The runs of {@code gradlab study rnn}, in order, each a spec file of {@code examples/rnn/}. */
final class RnnStudyRuns {
    /** One run: the spec file name without {@code .yaml}, and a label for the table. */
    record Run(String key, String label) {
        Run {
            requireNonNull(key, "key is null");
            requireNonNull(label, "label is null");
        }

        String file() {
            return key + ".yaml";
        }
    }

    static final String NAME = "rnn";
    static final String TITLE = "Gradients through time in recurrent nets (adding problem, T = 50): spectral radius of W_hh,"
            + " clipping, and gated cells";

    static final List<Run> ALL = List.of(
            new Run("linear-vanishing", "linear RNN, rho 0.5"),
            new Run("linear-stable", "linear RNN, rho 1.0"),
            new Run("linear-exploding", "linear RNN, rho 1.5"),
            new Run("linear-exploding-clip", "linear RNN, rho 1.5, clip-norm 1"),
            new Run("vanilla-vanishing", "tanh RNN, rho 0.5"),
            new Run("vanilla-stable", "tanh RNN, rho 1.0"),
            new Run("vanilla-exploding", "tanh RNN, rho 1.5"),
            new Run("vanilla-vanishing-clip", "tanh RNN, rho 0.5, clip-norm 1"),
            new Run("vanilla-stable-clip", "tanh RNN, rho 1.0, clip-norm 1"),
            new Run("vanilla-exploding-clip", "tanh RNN, rho 1.5, clip-norm 1"),
            new Run("rnn-adding", "tanh RNN, Adam"),
            new Run("lstm-adding", "LSTM, Adam"),
            new Run("gru-adding", "GRU, Adam"));

    private RnnStudyRuns() {}

    /** The runs whose keys are in {@code keys} (all when empty), in study order; an unknown key is a usage error. */
    static List<Run> select(List<String> keys) {
        if (keys.isEmpty()) {
            return ALL;
        }
        List<String> known = ALL.stream().map(Run::key).toList();
        for (String k : keys) {
            if (!known.contains(k)) {
                throw new GradlabException(GradlabException.Category.USAGE, "study 'rnn' has no run '" + k + "'; its runs: "
                        + String.join(", ", known));
            }
        }
        return ALL.stream().filter(r -> keys.contains(r.key())).toList();
    }
}
