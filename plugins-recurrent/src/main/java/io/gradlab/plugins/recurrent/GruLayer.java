package io.gradlab.plugins.recurrent;

import io.gradlab.api.tensor.Elementwise;
import io.gradlab.api.tensor.Expr;
import io.gradlab.api.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * The GRU of PyTorch's {@code nn.GRU} (gate order r, z, n), with the reset gate applied to the
 * recurrent projection {@code (W_hn h + b_hn)}:
 * <pre>
 * r = s(W_ir x + b_ir + W_hr h + b_hr)       z = s(W_iz x + b_iz + W_hz h + b_hz)
 * n = tanh(W_in x + b_in + r * (W_hn h + b_hn))
 * h_t = (1 - z) * n + z * h_{t-1}
 * </pre>
 * All biases start at zero.
 */
public final class GruLayer extends RecurrentLayer {
    private static final Elementwise FORWARD = forward();
    private static final Elementwise BACKWARD = backward(false);
    private static final Elementwise BACKWARD_INTO_PREVIOUS = backward(true);

    /** Arguments as {@link #forwardArgs}. */
    private static Elementwise forward() {
        Expr r = Expr.arg(0);
        Expr z = Expr.arg(1);
        Expr n = Expr.arg(2);
        Expr hn = Expr.arg(3);
        Expr bhn = Expr.arg(4);
        Expr hPrev = Expr.arg(5);
        return Elementwise.assign(3, hn.add(bhn))
                .then(0, r.sigmoid())
                .then(1, z.sigmoid())
                .then(2, n.add(r.mul(hn)).tanh())
                .then(6, z.rsub(1).mul(n).add(z.mul(hPrev)));
    }

    /** Arguments as {@link #backwardArgs}. */
    private static Elementwise backward(boolean intoPrevious) {
        Expr r = Expr.arg(0);
        Expr z = Expr.arg(1);
        Expr n = Expr.arg(2);
        Expr hn = Expr.arg(3);
        Expr hPrev = Expr.arg(4);
        Expr dh = Expr.arg(5);
        Expr dn = Expr.arg(8);
        Elementwise p = Elementwise.assign(8, dh.mul(z.rsub(1)).mul(n.square().rsub(1)))
                .then(7, dh.mul(hPrev.sub(n)).mul(z).mul(z.rsub(1)))
                .then(6, dn.mul(hn).mul(r).mul(r.rsub(1)))
                .then(9, dn.mul(r));
        return intoPrevious ? p.then(10, Expr.arg(10).add(dh.mul(z))) : p;
    }

    public GruLayer(String name, RecurrentConfig config) {
        super(name, "gru", config, 3);
    }

    @Override
    public List<String> gateNames() {
        return List.of("r", "z", "n");
    }

    /** The n gate's recurrent product {@code W_hn h + b_hn} stays apart: the reset gate scales it. */
    @Override
    boolean separateRecurrentProduct(int gate) {
        return gate == 2;
    }

    @Override
    Elementwise forwardProgram() {
        return FORWARD;
    }

    /** {@code r z n} (pre-activations in, activated gates out), {@code W_hn h} (out: {@code + b_hn}), {@code b_hn}, {@code h_{t-1}}, {@code h_t}. */
    @Override
    Tensor[] forwardArgs(RecurrentWorkspace w, int part, int t) {
        return new Tensor[] {w.rows(w.gate[0], t, part), w.rows(w.gate[1], t, part), w.rows(w.gate[2], t, part),
                w.rows(w.separate[2], t, part), recurrentBias(2), w.rows(w.hs, t, part), w.rows(w.hs, t + 1, part)};
    }

    @Override
    Elementwise backwardProgram(boolean intoPrevious) {
        return intoPrevious ? BACKWARD_INTO_PREVIOUS : BACKWARD;
    }

    /**
     * {@code r z n} (activated), {@code W_hn h + b_hn}, {@code h_{t-1}}, {@code dL/dh_t}, the gradients
     * of the three pre-activations and of {@code W_hn h + b_hn}, and with {@code intoPrevious}
     * {@code dL/dh_{t-1}}.
     */
    @Override
    Tensor[] backwardArgs(RecurrentWorkspace w, RecurrentWorkspace.Backward b, int part, int t, boolean intoPrevious) {
        Tensor[] args = {w.rows(w.gate[0], t, part), w.rows(w.gate[1], t, part), w.rows(w.gate[2], t, part),
                w.rows(w.separate[2], t, part), w.rows(w.hs, t, part), w.rows(b.dhs, t, part), w.rows(b.dgate[0], t, part),
                w.rows(b.dgate[1], t, part), w.rows(b.dgate[2], t, part), w.rows(b.recurrentGrad[2], t, part),
                intoPrevious ? w.rows(b.dhs, t - 1, part) : null};
        return intoPrevious ? args : Arrays.copyOf(args, args.length - 1);
    }
}
