package io.gradlab.plugins.recurrent;

import io.gradlab.api.tensor.Tensor;
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
    public GruLayer(String name, RecurrentConfig config) {
        super(name, "gru", config, 3);
    }

    @Override
    public List<String> gateNames() {
        return List.of("r", "z", "n");
    }

    @Override
    protected boolean recurrentGradientIsInputGradient() {
        return false;
    }

    /** Saved per step: r, z, n (activated) and W_hn h_{t-1} + b_hn. */
    @Override
    protected int savedWidth() {
        return 4 * hidden;
    }

    @Override
    protected void stepForward(Workspace w, int t) {
        Tensor h = w.hs[t + 1];
        Tensor hPrev = w.hs[t];
        Tensor s = w.saved[t];
        Tensor xp = w.xp;
        Tensor hp = w.hp;
        int n = hidden;
        int gw = 3 * n;
        int sw = 4 * n;
        for (int b = 0; b < w.batch; b++) {
            int x = (b * steps + t) * gw;
            int r = b * gw;
            int o = b * sw;
            for (int j = 0; j < n; j++) {
                double rg = Functions.sigmoid(xp.get(x + j) + hp.get(r + j));
                double zg = Functions.sigmoid(xp.get(x + n + j) + hp.get(r + n + j));
                double hn = hp.get(r + 2 * n + j);
                double ng = Functions.tanh(xp.get(x + 2 * n + j) + rg * hn);
                s.set(o + j, rg);
                s.set(o + n + j, zg);
                s.set(o + 2 * n + j, ng);
                s.set(o + 3 * n + j, hn);
                h.set(b * n + j, (1 - zg) * ng + zg * hPrev.get(b * n + j));
            }
        }
    }

    @Override
    protected void stepBackward(Workspace w, int t, Tensor dh, Tensor dhPrevDirect) {
        Tensor hPrev = w.hs[t];
        Tensor s = w.saved[t];
        Tensor dxp = w.dxp;
        Tensor dhp = w.dhp;
        int n = hidden;
        int gw = 3 * n;
        int sw = 4 * n;
        for (int b = 0; b < w.batch; b++) {
            int x = (b * steps + t) * gw;
            int r = b * gw;
            int o = b * sw;
            for (int j = 0; j < n; j++) {
                double rg = s.get(o + j);
                double zg = s.get(o + n + j);
                double ng = s.get(o + 2 * n + j);
                double hn = s.get(o + 3 * n + j);
                double dhv = dh.get(b * n + j);
                double hp0 = hPrev.get(b * n + j);
                double dnPre = dhv * (1 - zg) * (1 - ng * ng);
                double dzPre = dhv * (hp0 - ng) * zg * (1 - zg);
                double drPre = dnPre * hn * rg * (1 - rg);
                dxp.set(x + j, drPre);
                dxp.set(x + n + j, dzPre);
                dxp.set(x + 2 * n + j, dnPre);
                dhp.set(r + j, drPre);
                dhp.set(r + n + j, dzPre);
                dhp.set(r + 2 * n + j, dnPre * rg);
                dhPrevDirect.set(b * n + j, dhv * zg);
            }
        }
    }
}
