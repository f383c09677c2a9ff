package io.gradlab.engine.run;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.engine.weights.SafeTensors;
import io.gradlab.engine.io.Messages;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The state of a run at the end of an epoch: every parameter and buffer of the model (under the
 * names of {@link io.gradlab.engine.weights.ModelTensors}), the optimizer's state tensors and step
 * count, the learning rate, and the epoch and step counters. The random streams need nothing more:
 * the trainer derives the shuffle of epoch {@code e} from the seed and {@code e} alone, and the
 * model's streams are only drawn from while it is built.
 *
 * <p>On disk it is a safetensors file ({@value RunFolder#CHECKPOINT}): model tensors as
 * {@code layers.*}, optimizer state as {@code optimizer.state.<i>}, the counters and
 * {@code spec_sha256} (of {@code spec.resolved.yaml}) in {@code __metadata__}.
 *
 * @param model          the model's tensors by name
 * @param optimizerState {@link io.gradlab.api.train.Optimizer#state()}, in order
 * @param specSha256     the hash of the resolved spec the run trains, checked on resume
 * @param controls       the state of the run's callbacks ({@link io.gradlab.engine.train.RunControls}), stored in
 *                       {@code __metadata__} under {@code controls.<key>}
 */
public record Checkpoint(int epoch, long step, long optimizerSteps, double learningRate, Map<String, Tensor> model,
                         List<Tensor> optimizerState, String specSha256, Map<String, String> controls) {
    static final String FORMAT = "gradlab-checkpoint";
    static final String FORMAT_VERSION = "1";
    static final String OPTIMIZER_PREFIX = "optimizer.state.";
    static final String CONTROLS_PREFIX = "controls.";

    public Checkpoint {
        if (epoch < 0 || step < 0 || optimizerSteps < 0) {
            throw new IllegalArgumentException("negative counter in checkpoint: epoch " + epoch + ", step " + step);
        }
        model = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(model, "model is null")));
        optimizerState = List.copyOf(requireNonNull(optimizerState, "optimizerState is null"));
        requireNonNull(specSha256, "specSha256 is null");
        controls = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(controls, "controls is null")));
    }

    /** A checkpoint of a run without callbacks. */
    public Checkpoint(int epoch, long step, long optimizerSteps, double learningRate, Map<String, Tensor> model,
                      List<Tensor> optimizerState, String specSha256) {
        this(epoch, step, optimizerSteps, learningRate, model, optimizerState, specSha256, Map.of());
    }

    /** Writes the checkpoint into the run folder atomically, replacing the previous one. */
    public void write(Path runDir) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("format_version", FORMAT_VERSION);
        meta.put("epoch", Integer.toString(epoch));
        meta.put("step", Long.toString(step));
        meta.put("optimizer_steps", Long.toString(optimizerSteps));
        meta.put("learning_rate", Double.toString(learningRate));
        meta.put("spec_sha256", specSha256);
        controls.forEach((k, v) -> meta.put(CONTROLS_PREFIX + k, v));
        Map<String, Tensor> tensors = new LinkedHashMap<>(model);
        for (int i = 0; i < optimizerState.size(); i++) {
            tensors.put(OPTIMIZER_PREFIX + i, optimizerState.get(i));
        }
        SafeTensors.write(runDir.resolve(RunFolder.CHECKPOINT), meta, tensors);
    }

    /** The checkpoint of a run folder, or empty when the run has not finished an epoch yet. */
    public static Optional<Checkpoint> read(Path runDir) {
        Path file = runDir.resolve(RunFolder.CHECKPOINT);
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new GradlabException(Category.DATA, "checkpoint " + Messages.quote(file) + " is not a regular file (a folder, a link"
                    + " or a device): the run folder is damaged; move it away to restart the run from its first epoch");
        }
        SafeTensors.Contents contents = SafeTensors.read(file);
        Map<String, String> meta = contents.metadata();
        if (!FORMAT.equals(meta.get("format"))) {
            throw damaged(file, "its metadata does not say format: " + FORMAT);
        }
        if (!FORMAT_VERSION.equals(meta.get("format_version"))) {
            throw damaged(file, "it has format version " + meta.get("format_version") + "; this gradlab reads version " + FORMAT_VERSION);
        }
        Map<String, Tensor> model = new LinkedHashMap<>();
        Map<Integer, Tensor> state = new java.util.TreeMap<>();
        for (String name : contents.entries().keySet()) {
            if (name.startsWith(OPTIMIZER_PREFIX)) {
                int index;
                try {
                    index = Integer.parseInt(name.substring(OPTIMIZER_PREFIX.length()));
                } catch (NumberFormatException e) {
                    throw damaged(file, "it holds the tensor '" + name + "'");
                }
                state.put(index, contents.tensor(name));
            } else {
                model.put(name, contents.tensor(name));
            }
        }
        List<Tensor> optimizerState = new ArrayList<>();
        for (int i = 0; i < state.size(); i++) {
            if (!state.containsKey(i)) {
                throw damaged(file, "optimizer state " + i + " is missing");
            }
            optimizerState.add(state.get(i));
        }
        Checkpoint checkpoint;
        try {
            checkpoint = new Checkpoint(Integer.parseInt(required(meta, "epoch", file)), Long.parseLong(required(meta, "step", file)),
                    Long.parseLong(required(meta, "optimizer_steps", file)), Double.parseDouble(required(meta, "learning_rate", file)),
                    model, optimizerState, required(meta, "spec_sha256", file), controls(meta));
        } catch (IllegalArgumentException e) {
            throw damaged(file, "its counters are not valid (" + Messages.escape(e.getMessage()) + ")");
        }
        if (!Double.isFinite(checkpoint.learningRate()) || checkpoint.learningRate() < 0) {
            throw damaged(file, "its learning rate " + checkpoint.learningRate() + " is not a finite number of at least 0");
        }
        for (Map.Entry<String, Tensor> e : model.entrySet()) {
            if (!allFinite(e.getValue())) {
                throw damaged(file, "its tensor '" + Messages.escape(e.getKey()) + "' holds NaN or infinite values");
            }
        }
        for (int i = 0; i < optimizerState.size(); i++) {
            if (!allFinite(optimizerState.get(i))) {
                throw damaged(file, "its optimizer state " + i + " holds NaN or infinite values");
            }
        }
        return Optional.of(checkpoint);
    }

    /**
     * Checks the counters against the run they belong to, before a resume changes anything: the
     * epoch within the plan, the step and optimizer-step counts within what that many epochs can take.
     *
     * @throws GradlabException {@code DATA} naming the counter and the fix
     */
    public void requireCountersFit(Path runDir, int plannedEpochs, long stepsPerEpoch) {
        Path file = runDir.resolve(RunFolder.CHECKPOINT);
        if (epoch > plannedEpochs) {
            throw damaged(file, "it is at epoch " + epoch + " but the run plans " + plannedEpochs + " epochs");
        }
        long maxSteps = (long) epoch * Math.max(1, stepsPerEpoch);
        if (step > maxSteps) {
            throw damaged(file, "its step count " + step + " is more than " + epoch + " epochs of " + stepsPerEpoch + " steps can take");
        }
        if (optimizerSteps > maxSteps) {
            throw damaged(file, "its optimizer step count " + optimizerSteps + " is more than " + epoch + " epochs of " + stepsPerEpoch
                    + " steps can take");
        }
    }

    private static boolean allFinite(Tensor t) {
        int n = t.size();
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(t.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, String> controls(Map<String, String> meta) {
        Map<String, String> out = new LinkedHashMap<>();
        meta.forEach((k, v) -> {
            if (k.startsWith(CONTROLS_PREFIX)) {
                out.put(k.substring(CONTROLS_PREFIX.length()), v);
            }
        });
        return out;
    }

    private static String required(Map<String, String> meta, String key, Path file) {
        String value = meta.get(key);
        if (value == null) {
            throw damaged(file, "its metadata has no " + key);
        }
        return value;
    }

    private static GradlabException damaged(Path file, String problem) {
        return new GradlabException(Category.DATA, "checkpoint " + file + " is not a gradlab checkpoint: " + problem
                + "; remove it to restart the run from its first epoch");
    }
}
