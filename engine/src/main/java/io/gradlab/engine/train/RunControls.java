package io.gradlab.engine.train;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.GradlabException;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.train.LearningRateSchedule;
import io.gradlab.api.train.Optimizer;
import io.gradlab.api.train.TrainingCallback;
import io.gradlab.engine.weights.WeightFiles;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a run does around its steps and epochs besides training: the learning-rate schedules (their
 * factors multiply and set the optimizer's rate before every step) and the callbacks after every
 * epoch (early stopping, keeping the best weights as {@value #BEST_FILE}). Its state, with the
 * callbacks', travels in every checkpoint ({@link #checkpointState()}), so that a resumed run stops
 * and keeps its best exactly as an uninterrupted one.
 */
public final class RunControls {
    /** The best weights' file in the run folder. */
    public static final String BEST_FILE = "best.safetensors";

    /** A run with no schedule and no callbacks. */
    public static RunControls none() {
        return new RunControls(List.of(), List.of());
    }

    private final List<LearningRateSchedule> schedules;
    private final List<TrainingCallback> callbacks;
    private double baseRate = Double.NaN;
    private Path bestDir;
    private int bestEpoch;
    private String bestFigure;
    private double bestValue = Double.NaN;
    private String stopReason;
    private int stopEpoch;

    public RunControls(List<LearningRateSchedule> schedules, List<TrainingCallback> callbacks) {
        this.schedules = List.copyOf(requireNonNull(schedules, "schedules is null"));
        this.callbacks = List.copyOf(requireNonNull(callbacks, "callbacks is null"));
    }

    /**
     * Checks, before anything is trained or written, that the run measures every figure the callbacks watch.
     *
     * @param ids the callbacks' ids in the spec, in order, for messages
     */
    public void checkFigures(List<String> ids, boolean validation, boolean classification) {
        for (int i = 0; i < callbacks.size(); i++) {
            for (String figure : callbacks.get(i).figures()) {
                String where = "training.callbacks[" + i + "] (" + ids.get(i) + ") watches " + figure;
                if (figure.startsWith("val-") && !validation) {
                    throw new GradlabException(GradlabException.Category.SPEC, where + " but the run holds out no validation set:"
                            + " add data.validation: N (e.g. a tenth of the training samples), or set monitor: train-loss");
                }
                if (figure.endsWith("accuracy") && !classification) {
                    throw new GradlabException(GradlabException.Category.SPEC, where + " but the data has no classes (a regression"
                            + " target): set monitor: " + figure.replace("accuracy", "loss"));
                }
            }
        }
    }

    /** Writes the best weights into {@code runDir} from now on (without a folder the best epoch is only recorded). */
    void writeBestInto(Path runDir) {
        this.bestDir = runDir;
    }

    // ---- the schedules ----

    /** Sets the optimizer's rate for step {@code step} (from 0); the first call takes the configured rate as the base. */
    void beforeStep(Optimizer optimizer, long step, int stepsPerEpoch, int epochs) {
        if (schedules.isEmpty()) {
            return;
        }
        if (Double.isNaN(baseRate)) {
            baseRate = optimizer.learningRate();
        }
        long total = (long) stepsPerEpoch * epochs;
        double factor = 1;
        for (int i = 0; i < schedules.size(); i++) {
            factor *= schedules.get(i).factor(step, stepsPerEpoch, total);
        }
        optimizer.setLearningRate(baseRate * factor);
    }

    /** Takes the configured rate before a checkpoint's (scheduled) rate replaces it. */
    void rememberBaseRate(Optimizer optimizer) {
        if (Double.isNaN(baseRate)) {
            baseRate = optimizer.learningRate();
        }
    }

    // ---- the callbacks ----

    /** Shows the finished epoch to every callback; writes the best weights when one asks. */
    void afterEpoch(EpochMetrics m, Layer model, boolean validation) {
        if (callbacks.isEmpty()) {
            return;
        }
        Map<String, Double> values = new LinkedHashMap<>();
        if (validation) {
            values.put("val-loss", m.valLoss());
            values.put("val-accuracy", m.valAccuracy());
        }
        values.put("train-loss", m.trainLoss());
        values.put("train-accuracy", m.trainAccuracy());
        TrainingCallback.Epoch epoch = new TrainingCallback.Epoch(m.epoch(), values);
        TrainingCallback.Actions actions = new TrainingCallback.Actions() {
            @Override
            public void stop(String reason) {
                if (stopReason == null) {
                    stopReason = requireNonNull(reason, "reason is null");
                    stopEpoch = m.epoch();
                }
            }

            @Override
            public void keepBest(String figure, double value) {
                bestEpoch = m.epoch();
                bestFigure = requireNonNull(figure, "figure is null");
                bestValue = value;
                if (bestDir != null) {
                    WeightFiles.export(model, bestDir.resolve(BEST_FILE), WeightFiles.Format.SAFETENSORS, Map.of(
                            "epoch", Integer.toString(bestEpoch), "figure", figure, "value", Double.toString(value)));
                }
            }
        };
        for (TrainingCallback callback : callbacks) {
            callback.afterEpoch(epoch, actions);
        }
    }

    /** Ends the run when a callback asked for it after this epoch (or before the checkpoint a resumed run took back). */
    void stopIfAsked() {
        if (stopReason != null) {
            throw new EarlyStop(stopReason);
        }
    }

    /** The figures {@code summary.json} adds: {@code best} and {@code stopped_early}, when they happened. */
    public Map<String, Object> summary() {
        Map<String, Object> s = new LinkedHashMap<>();
        if (bestFigure != null) {
            Map<String, Object> best = new LinkedHashMap<>();
            best.put("epoch", bestEpoch);
            best.put(bestFigure.replace('-', '_'), bestValue);
            if (bestDir != null) {
                best.put("file", BEST_FILE);
            }
            s.put("best", best);
        }
        if (stopReason != null) {
            s.put("stopped_early", Map.of("epoch", stopEpoch, "reason", stopReason));
        }
        return s;
    }

    // ---- checkpoints ----

    /** The state to write into a checkpoint's metadata: each callback's and the best epoch's. */
    Map<String, String> checkpointState() {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < callbacks.size(); i++) {
            double[] state = callbacks.get(i).state();
            StringBuilder sb = new StringBuilder();
            for (int j = 0; j < state.length; j++) {
                sb.append(j == 0 ? "" : ",").append(Double.toString(state[j]));
            }
            out.put("callback." + i, sb.toString());
        }
        if (bestFigure != null) {
            out.put("best", bestEpoch + "," + bestFigure + "," + bestValue);
        }
        if (stopReason != null) {
            out.put("stopped", stopEpoch + "," + stopReason);
        }
        return out;
    }

    /** Takes back {@link #checkpointState()}; {@code where} names the checkpoint for messages. */
    void restore(Map<String, String> saved, String where) {
        for (int i = 0; i < callbacks.size(); i++) {
            String text = saved.get("callback." + i);
            if (text == null) {
                throw new GradlabException(GradlabException.Category.DATA, where + " holds no state for training.callbacks[" + i
                        + "]: the run folder belongs to another spec");
            }
            try {
                String[] parts = text.isEmpty() ? new String[0] : text.split(",");
                double[] state = new double[parts.length];
                for (int j = 0; j < parts.length; j++) {
                    state[j] = Double.parseDouble(parts[j]);
                }
                callbacks.get(i).restore(state);
            } catch (RuntimeException e) {
                throw new GradlabException(GradlabException.Category.DATA, where + " holds a state for training.callbacks[" + i
                        + "] it cannot take back (" + text + "): the run folder belongs to another spec", e);
            }
        }
        String best = saved.get("best");
        String stopped = saved.get("stopped");
        try {
            if (best != null) {
                String[] parts = best.split(",", 3);
                bestEpoch = Integer.parseInt(parts[0]);
                bestFigure = parts[1];
                bestValue = Double.parseDouble(parts[2]);
            }
            if (stopped != null) {
                String[] parts = stopped.split(",", 2);
                stopEpoch = Integer.parseInt(parts[0]);
                stopReason = parts[1];
            }
        } catch (RuntimeException e) {
            throw new GradlabException(GradlabException.Category.DATA, where + " holds a best epoch or an early stop it cannot read ("
                    + best + "; " + stopped + "): remove the checkpoint to restart the run", e);
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "RunControls[%d schedule(s), %d callback(s)]", schedules.size(), callbacks.size());
    }
}
