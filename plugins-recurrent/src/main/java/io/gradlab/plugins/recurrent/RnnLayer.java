package io.gradlab.plugins.recurrent;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.tensor.Elementwise;
import io.gradlab.api.tensor.Expr;
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

    private static final Expr A = Expr.arg(0);
    private static final Elementwise FORWARD_TANH = Elementwise.assign(1, A.tanh());
    private static final Elementwise FORWARD_RELU = Elementwise.assign(1, Expr.where(A.gt(0), A, 0)); // NaN gives 0
    private static final Elementwise FORWARD_IDENTITY = Elementwise.assign(1, A);
    private static final Expr H = Expr.arg(0);
    private static final Expr DH = Expr.arg(1);
    private static final Elementwise BACKWARD_TANH = Elementwise.assign(2, DH.mul(H.square().rsub(1)));
    private static final Elementwise BACKWARD_RELU = Elementwise.assign(2, DH.mul(H.gt(0)));
    private static final Elementwise BACKWARD_IDENTITY = Elementwise.assign(2, DH);

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
    Elementwise forwardProgram() {
        return switch (activation) {
            case TANH -> FORWARD_TANH;
            case RELU -> FORWARD_RELU;
            case IDENTITY -> FORWARD_IDENTITY;
        };
    }

    /** The pre-activation, {@code h_t}. */
    @Override
    Tensor[] forwardArgs(RecurrentWorkspace w, int part, int t) {
        return new Tensor[] {w.rows(w.gate[0], t, part), w.rows(w.hs, t + 1, part)};
    }

    @Override
    Elementwise backwardProgram(boolean intoPrevious) {
        return switch (activation) {
            case TANH -> BACKWARD_TANH;
            case RELU -> BACKWARD_RELU;
            case IDENTITY -> BACKWARD_IDENTITY;
        };
    }

    /** {@code h_t}, {@code dL/dh_t}, the gradient of the pre-activation. */
    @Override
    Tensor[] backwardArgs(RecurrentWorkspace w, RecurrentWorkspace.Backward b, int part, int t, boolean intoPrevious) {
        return new Tensor[] {w.rows(w.hs, t + 1, part), w.rows(b.dhs, t, part), w.rows(b.dgate[0], t, part)};
    }
}
