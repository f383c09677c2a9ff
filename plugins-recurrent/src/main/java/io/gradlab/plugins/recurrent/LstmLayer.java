package io.gradlab.plugins.recurrent;

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

    /** Saved per step: i, f, g, o (activated), c_t, tanh(c_t). */
    @Override
    protected int savedWidth() {
        return 6 * hidden;
    }

    @Override
    protected boolean hasCellState() {
        return true;
    }

    @Override
    protected void stepForward(Workspace w, int t) {
        Tensor h = w.hs[t + 1];
        Tensor s = w.saved[t];
        Tensor prev = t == 0 ? null : w.saved[t - 1];
        Tensor xp = w.xp;
        Tensor hp = w.hp;
        int n = hidden;
        int gw = 4 * n;
        int sw = 6 * n;
        for (int b = 0; b < w.batch; b++) {
            int x = (b * steps + t) * gw;
            int r = b * gw;
            int o = b * sw;
            for (int j = 0; j < n; j++) {
                double ig = Functions.sigmoid(xp.get(x + j) + hp.get(r + j));
                double fg = Functions.sigmoid(xp.get(x + n + j) + hp.get(r + n + j));
                double gg = Functions.tanh(xp.get(x + 2 * n + j) + hp.get(r + 2 * n + j));
                double og = Functions.sigmoid(xp.get(x + 3 * n + j) + hp.get(r + 3 * n + j));
                double cPrev = prev == null ? 0 : prev.get(o + 4 * n + j);
                double c = fg * cPrev + ig * gg;
                double tc = Functions.tanh(c);
                s.set(o + j, ig);
                s.set(o + n + j, fg);
                s.set(o + 2 * n + j, gg);
                s.set(o + 3 * n + j, og);
                s.set(o + 4 * n + j, c);
                s.set(o + 5 * n + j, tc);
                h.set(b * n + j, og * tc);
            }
        }
    }

    @Override
    protected NonFiniteEvent checkState(Workspace w, int t) {
        NonFiniteEvent hidden = super.checkState(w, t);
        if (hidden != null) {
            return hidden;
        }
        Tensor s = w.saved[t];
        int n = this.hidden;
        for (int b = 0; b < w.batch; b++) {
            for (int j = 0; j < n; j++) {
                double c = s.get(b * 6 * n + 4 * n + j);
                if (!Double.isFinite(c)) {
                    return new NonFiniteEvent(name(), "forward", t, steps, "cell state c_t", c);
                }
            }
        }
        return null;
    }

    @Override
    protected void stepBackward(Workspace w, int t, Tensor dh, Tensor dhPrevDirect) {
        Tensor s = w.saved[t];
        Tensor prev = t == 0 ? null : w.saved[t - 1];
        Tensor dxp = w.dxp;
        Tensor dhp = w.dhp;
        Tensor dc = w.carry;
        int n = hidden;
        int gw = 4 * n;
        int sw = 6 * n;
        for (int b = 0; b < w.batch; b++) {
            int x = (b * steps + t) * gw;
            int r = b * gw;
            int o = b * sw;
            for (int j = 0; j < n; j++) {
                double ig = s.get(o + j);
                double fg = s.get(o + n + j);
                double gg = s.get(o + 2 * n + j);
                double og = s.get(o + 3 * n + j);
                double tc = s.get(o + 5 * n + j);
                double cPrev = prev == null ? 0 : prev.get(o + 4 * n + j);
                double dhv = dh.get(b * n + j);
                double dcv = dc.get(b * n + j) + dhv * og * (1 - tc * tc);
                double di = dcv * gg * ig * (1 - ig);
                double df = dcv * cPrev * fg * (1 - fg);
                double dg = dcv * ig * (1 - gg * gg);
                double dout = dhv * tc * og * (1 - og);
                dxp.set(x + j, di);
                dxp.set(x + n + j, df);
                dxp.set(x + 2 * n + j, dg);
                dxp.set(x + 3 * n + j, dout);
                dhp.set(r + j, di);
                dhp.set(r + n + j, df);
                dhp.set(r + 2 * n + j, dg);
                dhp.set(r + 3 * n + j, dout);
                dc.set(b * n + j, dcv * fg);
            }
        }
        dhPrevDirect.fill(0);
    }
}
