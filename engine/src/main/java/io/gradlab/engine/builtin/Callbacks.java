package io.gradlab.engine.builtin;

import static io.gradlab.api.ParameterSpec.choice;
import static io.gradlab.api.ParameterSpec.integer;
import static io.gradlab.api.ParameterSpec.real;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.train.TrainingCallback;
import java.util.List;
import java.util.Locale;

/** The callbacks: {@code early-stopping} and {@code keep-best}, both watching one figure of each epoch. */
final class Callbacks {
    private Callbacks() {}

    static List<ComponentFactory<TrainingCallback>> factories() {
        return List.of(
                ComponentFactory.of(ComponentKind.CALLBACK, "early-stopping",
                        "stop when the monitored figure (validation loss by default) has not improved for patience epochs",
                        List.of(choice("monitor", "val-loss", TrainingCallback.FIGURES, "the figure to watch"),
                                integer("patience", 5, "epochs without improvement before the run stops").range(1, 1_000_000),
                                real("min-delta", 0.0, "the least change that counts as an improvement").range(0, 1e9)),
                        p -> new EarlyStopping(p.getString("monitor"), p.getInt("patience"), p.getDouble("min-delta"))),
                ComponentFactory.of(ComponentKind.CALLBACK, "keep-best",
                        "keep the weights of the epoch with the best monitored figure as best.safetensors beside the checkpoint",
                        List.of(choice("monitor", "val-loss", TrainingCallback.FIGURES, "the figure to watch")),
                        p -> new KeepBest(p.getString("monitor"))));
    }

    /** Whether a larger value of {@code figure} is better (accuracies) or a smaller one (losses). */
    static boolean maximize(String figure) {
        return figure.endsWith("accuracy");
    }

    /** The best value so far and its epoch; a NaN value is never best. */
    private abstract static class Watching implements TrainingCallback {
        final String figure;
        final double minDelta;
        double best = Double.NaN;
        int bestEpoch;

        Watching(String figure, double minDelta) {
            this.figure = figure;
            this.minDelta = minDelta;
        }

        /** Whether {@code value} improves on the best by more than {@code minDelta}; if so it becomes the best. */
        boolean improves(double value, int epoch) {
            if (Double.isNaN(value)) {
                return false;
            }
            boolean better = Double.isNaN(best) || (maximize(figure) ? value > best + minDelta : value < best - minDelta);
            if (better) {
                best = value;
                bestEpoch = epoch;
            }
            return better;
        }

        @Override
        public List<String> figures() {
            return List.of(figure);
        }
    }

    static final class EarlyStopping extends Watching {
        private final int patience;
        private int waited;

        EarlyStopping(String figure, int patience, double minDelta) {
            super(figure, minDelta);
            this.patience = patience;
        }

        @Override
        public void afterEpoch(Epoch epoch, Actions actions) {
            if (improves(epoch.value(figure), epoch.epoch())) {
                waited = 0;
                return;
            }
            waited++;
            if (waited >= patience) {
                actions.stop(String.format(Locale.ROOT, "early stopping: %s has not improved for %d epoch(s) since epoch %d (%s)",
                        figure, waited, bestEpoch, Double.isNaN(best) ? "NaN" : String.format(Locale.ROOT, "%.6g", best)));
            }
        }

        @Override
        public double[] state() {
            return new double[] {best, bestEpoch, waited};
        }

        @Override
        public void restore(double[] state) {
            best = state[0];
            bestEpoch = (int) state[1];
            waited = (int) state[2];
        }
    }

    static final class KeepBest extends Watching {
        KeepBest(String figure) {
            super(figure, 0);
        }

        @Override
        public void afterEpoch(Epoch epoch, Actions actions) {
            if (improves(epoch.value(figure), epoch.epoch())) {
                actions.keepBest(figure, best);
            }
        }

        @Override
        public double[] state() {
            return new double[] {best, bestEpoch};
        }

        @Override
        public void restore(double[] state) {
            best = state[0];
            bestEpoch = (int) state[1];
        }
    }
}
