package io.gradlab.plugins.recurrent;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The vanilla (Elman) RNN: {@code h_t = act(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)}, as PyTorch's {@code nn.RNN}. */
public final class RnnLayer extends RecurrentLayer {
    /** The nonlinearity of the vanilla RNN. */
    public enum Activation {
        TANH,
        RELU,
        IDENTITY;

        public static final List<String> CHOICES = Arrays.stream(values()).map(Activation::id).toList();

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Activation of(String id) {
            return valueOf(id.trim().toUpperCase(Locale.ROOT));
        }
    }

    private final Activation activation;

    public RnnLayer(String name, RecurrentConfig config, Activation activation) {
        super(name, "rnn", config, 1);
        this.activation = requireNonNull(activation, "activation is null");
    }

    public Activation activation() {
        return activation;
    }

    @Override
    public List<String> gateNames() {
        return List.of("h");
    }

    @Override
    protected String nonlinearity() {
        return activation == Activation.IDENTITY ? "linear" : activation.id();
    }

    @Override
    protected int savedWidth() {
        return 0;
    }

    @Override
    protected void stepForward(Workspace w, int t) {
        Tensor h = w.hs[t + 1];
        Tensor xp = w.xp;
        Tensor hp = w.hp;
        int batch = w.batch;
        int n = hidden;
        for (int b = 0; b < batch; b++) {
            int xRow = (b * steps + t) * n;
            int row = b * n;
            for (int j = 0; j < n; j++) {
                double a = xp.get(xRow + j) + hp.get(row + j);
                h.set(row + j, switch (activation) {
                    case TANH -> Functions.tanh(a);
                    case RELU -> a > 0 ? a : 0.0;
                    case IDENTITY -> a;
                });
            }
        }
    }

    @Override
    protected void stepBackward(Workspace w, int t, Tensor dh, Tensor dhPrevDirect) {
        Tensor h = w.hs[t + 1];
        Tensor dxp = w.dxp;
        Tensor dhp = w.dhp;
        int batch = w.batch;
        int n = hidden;
        for (int b = 0; b < batch; b++) {
            int xRow = (b * steps + t) * n;
            int row = b * n;
            for (int j = 0; j < n; j++) {
                double hv = h.get(row + j);
                double derivative = switch (activation) {
                    case TANH -> 1 - hv * hv;
                    case RELU -> hv > 0 ? 1.0 : 0.0;
                    case IDENTITY -> 1.0;
                };
                double da = dh.get(row + j) * derivative;
                dxp.set(xRow + j, da);
                dhp.set(row + j, da);
            }
        }
        dhPrevDirect.fill(0);
    }
}
