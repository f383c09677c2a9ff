package io.gradlab.engine.tensorboard;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.Parameter;
import io.gradlab.engine.train.EpochMetrics;
import io.gradlab.engine.train.EpochSink;
import io.gradlab.engine.train.TrainingSession;
import io.gradlab.engine.weights.ModelTensors;
import java.io.Closeable;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes each finished epoch to a TensorBoard event file while a run trains ({@code training.tensorboard}):
 * the scalars of {@link EpochScalars} and, at the end of the epoch, a histogram of every weight
 * ({@code weights/layers.0.weight}, PyTorch names as in {@code gradlab export}) and of its gradient of
 * the epoch's last step ({@code gradients/...}). The file is flushed after every epoch.
 */
public final class TensorBoardSink implements EpochSink, Closeable {
    private final EventFile events;

    /** @param dir the folder of this run's event file (e.g. {@code LOGDIR/<run folder name>}) */
    public TensorBoardSink(Path dir) {
        this.events = EventFile.create(requireNonNull(dir, "dir is null"));
    }

    public Path file() {
        return events.file();
    }

    @Override
    public void epochFinished(EpochMetrics metrics, TrainingSession session) {
        events.scalars(metrics.epoch(), EpochScalars.of(metrics));
        writeHistograms(events, metrics.epoch(), session.model());
        events.flush();
    }

    /** The weights and (where a step left them) gradients of {@code model} as histograms at {@code step}. */
    static void writeHistograms(EventFile events, long step, Layer model) {
        for (Map.Entry<String, ModelTensors.Named> e : ModelTensors.of(model).entrySet()) {
            ModelTensors.Named named = e.getValue();
            if (named.kind() != ModelTensors.Kind.PARAMETER) {
                continue;
            }
            events.histogram(step, "weights/" + e.getKey(), named.tensor().toDoubleArray());
            for (Parameter p : named.layer().parameters()) {
                if (p.value() == named.tensor() && p.grad() != null) {
                    events.histogram(step, "gradients/" + e.getKey(), p.grad().toDoubleArray());
                }
            }
        }
    }

    @Override
    public void close() {
        events.close();
    }
}
