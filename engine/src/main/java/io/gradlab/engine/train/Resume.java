package io.gradlab.engine.train;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.GradlabException;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.api.train.Optimizer;
import io.gradlab.engine.run.Checkpoint;
import io.gradlab.engine.weights.ModelTensors;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checkpoints of a session and the way back to one. A resumed session replays its strategy from the
 * start; the epochs up to the checkpoint's are skipped ({@link #skipEpoch}), and at the last of them
 * the checkpoint is loaded into the model and optimizer of that moment.
 */
final class Resume {
    private final Optimizer optimizer;
    private final ModelState state;
    private final RunControls controls;
    private Checkpoint target;

    Resume(Optimizer optimizer, ModelState state, RunControls controls) {
        this.optimizer = requireNonNull(optimizer, "optimizer is null");
        this.state = requireNonNull(state, "state is null");
        this.controls = requireNonNull(controls, "controls is null");
    }

    /** Makes the session continue from {@code checkpoint}; only before its first epoch. */
    void from(Checkpoint checkpoint) {
        requireNonNull(checkpoint, "checkpoint is null");
        if (state.epoch() != 0) {
            throw new IllegalStateException("a session resumes before its first epoch, not at epoch " + state.epoch());
        }
        this.target = checkpoint.epoch() == 0 ? null : checkpoint;
    }

    /** The checkpoint still to reach, if any: while there is one, epochs are skipped rather than trained. */
    Optional<Checkpoint> pending() {
        return Optional.ofNullable(target);
    }

    /** Counts an epoch without training it; at the checkpoint's epoch, loads the checkpoint into {@code model}. */
    void skipEpoch(Layer model) {
        int epoch = state.nextEpoch();
        if (epoch == target.epoch()) {
            restore(model, target);
            target = null;
        }
    }

    /** The state at the end of the current epoch (tensors are not copied: write it before training on). */
    Checkpoint checkpoint(Layer model, String specSha256) {
        return new Checkpoint(state.epoch(), state.step(), optimizer.steps(), optimizer.learningRate(), ModelTensors.tensors(model),
                optimizer.state(), specSha256, controls.checkpointState());
    }

    private void restore(Layer model, Checkpoint cp) {
        Map<String, Tensor> current = ModelTensors.tensors(model);
        // a checkpoint written before batch norm kept its counter of training batches restores it as 0
        Map<String, Tensor> saved = ModelTensors.withMissingCounters(model, cp.model());
        String where = "the checkpoint of epoch " + cp.epoch();
        if (!current.keySet().equals(saved.keySet())) {
            throw new GradlabException(GradlabException.Category.DATA, where + " holds the tensors " + cp.model().keySet()
                    + " but the model at that epoch has " + current.keySet() + ": the run folder belongs to another model");
        }
        for (Map.Entry<String, Tensor> e : current.entrySet()) {
            requireSame(where + ", tensor '" + e.getKey() + "'", e.getValue(), saved.get(e.getKey()));
        }
        List<Tensor> optimizerState = optimizer.state();
        if (optimizerState.size() != cp.optimizerState().size()) {
            throw new GradlabException(GradlabException.Category.DATA, where + " holds " + cp.optimizerState().size()
                    + " optimizer state tensors but the optimizer has " + optimizerState.size()
                    + ": the run folder belongs to another optimizer");
        }
        for (int i = 0; i < optimizerState.size(); i++) {
            requireSame(where + ", optimizer state " + i, optimizerState.get(i), cp.optimizerState().get(i));
        }
        for (Map.Entry<String, Tensor> e : current.entrySet()) {
            e.getValue().copyFrom(saved.get(e.getKey()));
        }
        for (int i = 0; i < optimizerState.size(); i++) {
            optimizerState.get(i).copyFrom(cp.optimizerState().get(i));
        }
        controls.restore(cp.controls(), where);
        optimizer.restoreSteps(cp.optimizerSteps());
        optimizer.setLearningRate(cp.learningRate());
        state.restoreStep(cp.step());
    }

    private static void requireSame(String where, Tensor target, Tensor saved) {
        if (target.dtype() != saved.dtype() || !target.sameShape(saved)) {
            throw new GradlabException(GradlabException.Category.DATA, where + " is " + saved.dtype() + Arrays.toString(saved.shape())
                    + " but the run needs " + target.dtype() + Arrays.toString(target.shape()) + ": the run folder belongs to another model");
        }
    }
}
