package io.gradlab.plugins.recurrent;

import io.gradlab.api.GradlabException;
import io.gradlab.api.Params;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.ModelBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code rnn-net} architecture: {@code layers} recurrent layers of one cell type ({@code rnn1},
 * {@code rnn2}, ... or {@code lstm1}, ... or {@code gru1}, ...), the lower ones returning sequences,
 * the top one its last hidden state, then a dense {@code output} layer to the data's output width.
 */
final class RnnNet {
    private RnnNet() {}

    static Layer build(Params p, ModelBuilder b) {
        String cell = p.getString("cell");
        int steps = p.getInt("steps") > 0 ? p.getInt("steps") : b.timeSteps();
        if (steps == 1) {
            throw new GradlabException(GradlabException.Category.SPEC, "architecture 'rnn-net': the data presents each sample as a single"
                    + " time step of " + b.inputWidth() + " features, so there is no sequence to run through time; present it as a"
                    + " sequence (fashion-mnist or idx: time-steps: 28, one image row per step) or set steps on rnn-net");
        }
        if (b.inputWidth() % steps != 0) {
            throw new GradlabException(GradlabException.Category.SPEC, "architecture 'rnn-net': " + steps + " time steps do not divide the "
                    + b.inputWidth() + " input features; set steps to a divisor of " + b.inputWidth());
        }
        int hidden = p.getInt("hidden");
        int depth = p.getInt("layers");
        RecurrentConfig base = new RecurrentConfig(hidden, steps, 0, false, p.getInt("truncate"),
                RecurrentInit.of(p.getString("recurrent-init")), p.getDouble("spectral-radius"));
        List<Layer> layers = new ArrayList<>();
        for (int i = 1; i <= depth; i++) {
            RecurrentConfig c = base.withReturnSequences(i < depth);
            String name = cell + i;
            layers.add(switch (cell) {
                case "rnn" -> new RnnLayer(name, c, RnnLayer.Activation.of(p.getString("activation")));
                case "lstm" -> new LstmLayer(name, c, p.getDouble("forget-bias"));
                case "gru" -> new GruLayer(name, c);
                default -> throw new GradlabException(GradlabException.Category.COMPONENT,
                        "architecture 'rnn-net': unknown cell '" + cell + "'; use rnn, lstm or gru");
            });
        }
        layers.add(b.dense("output", b.outputWidth(), null, null, "linear"));
        return b.sequential("rnn-net", layers);
    }
}
