package io.gradlab.plugins.recurrent;

import io.gradlab.api.tensor.Elementwise;
import io.gradlab.api.tensor.Expr;
import io.gradlab.api.tensor.Tensor;
import java.util.List;

/**
 * The LSTM of PyTorch's {@code nn.LSTM} (gate order i, f, g, o):
 * <pre>
 * i = s(W_ii x + b_ii + W_hi h + b_hi)    f = s(W_if x + b_if + W_hf h + b_hf)
 * g = tanh(W_ig x + b_ig + W_hg h + b_hg) o = s(W_io x + b_io + W_ho h + b_ho)
 * c_t = f * c_{t-1} + i * g               h_t = o * tanh(c_t)
 * </pre>
 * All biases start at zero except the forget gate's input bias {@code b_if}, which starts at
 * {@code forget-bias} (default 1.0, as Jozefowicz et al. 2015 recommend and Keras does with
 * {@code unit_forget_bias}): the forget gate starts mostly open, so the cell state, and its gradient,
 * survive many steps from the first update.
 */
public final class LstmLayer extends RecurrentLayer {
    private static final Elementwise FORWARD = forward();
    private static final Elementwise BACKWARD = backward();

    /** Arguments as {@link #forwardArgs}. */
    private static Elementwise forward() {
        Expr i = Expr.arg(0);
        Expr f = Expr.arg(1);
        Expr g = Expr.arg(2);
        Expr o = Expr.arg(3);
        Expr cPrev = Expr.arg(4);
        Expr c = Expr.arg(5);
        return Elementwise.assign(0, i.sigmoid())
                .then(1, f.sigmoid())
                .then(2, g.tanh())
                .then(3, o.sigmoid())
                .then(5, f.mul(cPrev).add(i.mul(g)))
                .then(6, o.mul(c.tanh()));
    }

    /** Arguments as {@link #backwardArgs}. */
    private static Elementwise backward() {
        Expr i = Expr.arg(0);
        Expr f = Expr.arg(1);
        Expr g = Expr.arg(2);
        Expr o = Expr.arg(3);
        Expr cPrev = Expr.arg(4);
        Expr c = Expr.arg(5);
        Expr dh = Expr.arg(6);
        Expr dc = Expr.arg(7);
        Expr tc = Expr.arg(11); // holds tanh(c_t) until dL/do replaces it
        return Elementwise.assign(11, c.tanh())
                .then(7, dc.add(dh.mul(o).mul(tc.square().rsub(1))))   // dL/dc_t
                .then(8, dc.mul(g).mul(i).mul(i.rsub(1)))
                .then(9, dc.mul(cPrev).mul(f).mul(f.rsub(1)))
                .then(10, dc.mul(i).mul(g.square().rsub(1)))
                .then(11, dh.mul(tc).mul(o).mul(o.rsub(1)))
                .then(7, dc.mul(f));                                   // dL/dc_{t-1} through c_t
    }

    private final double forgetBias;

    public LstmLayer(String name, RecurrentConfig config, double forgetBias) {
        super(name, "lstm", config, 4);
        if (!Double.isFinite(forgetBias)) {
            throw new IllegalArgumentException("forget bias must be finite, got " + forgetBias);
        }
        this.forgetBias = forgetBias;
    }

    public double forgetBias() {
        return forgetBias;
    }

    @Override
    public List<String> gateNames() {
        return List.of("i", "f", "g", "o");
    }

    @Override
    protected void initializeBiases(Tensor biasIh, Tensor biasHh) {
        for (int j = 0; j < hidden; j++) {
            biasIh.set(hidden + j, forgetBias);
        }
    }

    @Override
    boolean hasCellState() {
        return true;
    }

    @Override
    Elementwise forwardProgram() {
        return FORWARD;
    }

    /** {@code i f g o} (pre-activations in, activated gates out), {@code c_{t-1}}, {@code c_t}, {@code h_t}. */
    @Override
    Tensor[] forwardArgs(RecurrentWorkspace w, int part, int t) {
        return new Tensor[] {w.rows(w.gate[0], t, part), w.rows(w.gate[1], t, part), w.rows(w.gate[2], t, part),
                w.rows(w.gate[3], t, part), w.rows(w.cs, t, part), w.rows(w.cs, t + 1, part), w.rows(w.hs, t + 1, part)};
    }

    @Override
    Elementwise backwardProgram(boolean intoPrevious) {
        return BACKWARD;
    }

    /**
     * {@code i f g o} (activated), {@code c_{t-1}}, {@code c_t}, {@code dL/dh_t}, dL/dc (in: from later
     * steps; out: to step t-1), the gradients of the four pre-activations.
     */
    @Override
    Tensor[] backwardArgs(RecurrentWorkspace w, RecurrentWorkspace.Backward b, int part, int t, boolean intoPrevious) {
        return new Tensor[] {w.rows(w.gate[0], t, part), w.rows(w.gate[1], t, part), w.rows(w.gate[2], t, part),
                w.rows(w.gate[3], t, part), w.rows(w.cs, t, part), w.rows(w.cs, t + 1, part), w.rows(b.dhs, t, part),
                b.carryPart[part], w.rows(b.dgate[0], t, part), w.rows(b.dgate[1], t, part), w.rows(b.dgate[2], t, part),
                w.rows(b.dgate[3], t, part)};
    }
}
