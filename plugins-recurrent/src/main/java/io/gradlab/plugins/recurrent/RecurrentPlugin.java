package io.gradlab.plugins.recurrent;

import static io.gradlab.api.ParameterSpec.bool;
import static io.gradlab.api.ParameterSpec.choice;
import static io.gradlab.api.ParameterSpec.integer;
import static io.gradlab.api.ParameterSpec.real;

import io.gradlab.api.ApiVersion;
import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.GradlabPlugin;
import io.gradlab.api.ParameterSpec;
import io.gradlab.api.Params;
import io.gradlab.api.data.DataSplits;
import io.gradlab.api.diag.Diagnostic;
import io.gradlab.api.nn.Layer;
import java.util.ArrayList;
import java.util.List;

/**
 * The recurrent plugin: layers {@code rnn}, {@code lstm} and {@code gru}, the architecture
 * {@code rnn-net}, the sequence tasks {@code adding} and {@code copy}, and the diagnostic
 * {@code recurrent} (gradient through time, spectra of W_hh, non-finite sentinel).
 */
public final class RecurrentPlugin implements GradlabPlugin {
    static final List<String> CELLS = List.of("rnn", "lstm", "gru");

    @Override
    public String apiVersion() {
        return ApiVersion.CURRENT;
    }

    @Override
    public String name() {
        return "gradlab-recurrent";
    }

    private static List<ParameterSpec> commonLayerParameters() {
        return List.of(
                integer("hidden", 64, "hidden size H").range(1, 100_000),
                integer("steps", 0, "time steps T per sample (the input is [batch, T*F]); 0: derive from features").range(0, 1_000_000),
                integer("features", 0, "features F per time step; 0: derive from steps (one of the two must be set)").range(0, 1_000_000),
                bool("return-sequences", false, "many-to-many: output every hidden state [batch, T*H] instead of the last [batch, H]"),
                integer("truncate", 0, "truncated BPTT: gradients flow back at most this many steps (chunks counted back from the end); 0: full")
                        .range(0, 1_000_000),
                choice("recurrent-init", "orthogonal", RecurrentInit.CHOICES,
                        "initialisation of each [H, H] block of W_hh: orthogonal (rho*Q), identity (rho*I), normal (N(0, rho^2/H)),"
                                + " radius (Gaussian rescaled to spectral radius rho)"),
                real("spectral-radius", 1.0, "the spectral radius rho each block of W_hh starts with").range(0, 100));
    }

    static RecurrentConfig config(Params p) {
        return new RecurrentConfig(p.getInt("hidden"), p.getInt("steps"), p.getInt("features"), p.getBoolean("return-sequences"),
                p.getInt("truncate"), RecurrentInit.of(p.getString("recurrent-init")), p.getDouble("spectral-radius"));
    }

    private static List<ParameterSpec> with(List<ParameterSpec> base, ParameterSpec... extra) {
        List<ParameterSpec> out = new ArrayList<>(base);
        out.addAll(List.of(extra));
        return List.copyOf(out);
    }

    private static ParameterSpec activation() {
        return choice("activation", "tanh", RnnLayer.Activation.CHOICES, "the vanilla RNN's nonlinearity");
    }

    private static ParameterSpec forgetBias() {
        return real("forget-bias", 1.0, "initial bias of the LSTM forget gate (1.0 keeps the cell state early in training)").range(-100, 100);
    }

    @Override
    public List<ComponentFactory<?>> components() {
        List<ComponentFactory<?>> all = new ArrayList<>();
        all.addAll(layers());
        all.addAll(architectures());
        all.addAll(datasets());
        all.addAll(diagnostics());
        return List.copyOf(all);
    }

    private static List<ComponentFactory<Layer>> layers() {
        return List.of(
                ComponentFactory.of(ComponentKind.LAYER, "rnn",
                        "vanilla RNN h_t = act(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh) over [batch, T*F] sequences",
                        with(commonLayerParameters(), activation()),
                        (p, context) -> new RnnLayer(context.name(), config(p), RnnLayer.Activation.of(p.getString("activation")))),
                ComponentFactory.of(ComponentKind.LAYER, "lstm", "LSTM (PyTorch gate order i, f, g, o) over [batch, T*F] sequences",
                        with(commonLayerParameters(), forgetBias()),
                        (p, context) -> new LstmLayer(context.name(), config(p), p.getDouble("forget-bias"))),
                ComponentFactory.of(ComponentKind.LAYER, "gru", "GRU (PyTorch formulation, reset gate on W_hn h + b_hn) over [batch, T*F] sequences",
                        commonLayerParameters(),
                        (p, context) -> new GruLayer(context.name(), config(p))));
    }

    private static List<ComponentFactory<Layer>> architectures() {
        return List.of(ComponentFactory.of(ComponentKind.ARCHITECTURE, "rnn-net",
                "stacked recurrent layers (rnn, lstm or gru; the lower ones return sequences) and a dense head on the last hidden state",
                List.of(
                        choice("cell", "lstm", CELLS, "the recurrent cell"),
                        integer("hidden", 64, "hidden size of every recurrent layer").range(1, 100_000),
                        integer("layers", 1, "number of stacked recurrent layers").range(1, 64),
                        activation(),
                        choice("recurrent-init", "orthogonal", RecurrentInit.CHOICES, "initialisation of W_hh (see the rnn layer)"),
                        real("spectral-radius", 1.0, "the spectral radius W_hh starts with").range(0, 100),
                        integer("truncate", 0, "truncated BPTT in steps; 0: full").range(0, 1_000_000),
                        forgetBias(),
                        integer("steps", 0, "time steps per sample; 0: the data's time steps").range(0, 1_000_000)),
                (p, context) -> RnnNet.build(p, context.modelBuilder())));
    }

    private static List<ComponentFactory<DataSplits>> datasets() {
        return List.of(
                ComponentFactory.of(ComponentKind.DATASET, "adding",
                        "the adding problem: T steps of (value, marker), target the sum of the two marked values (mean prediction: MSE 0.167)",
                        List.of(integer("steps", 50, "sequence length T").range(2, 100_000),
                                integer("train-size", 10_000, "training sequences").range(1, 10_000_000),
                                integer("test-size", 1_000, "test sequences").range(1, 10_000_000)),
                        (p, ctx) -> SequenceTasks.adding(p.getInt("steps"), p.getInt("train-size"), p.getInt("test-size"),
                                ctx.data().random().fork("adding"))),
                ComponentFactory.of(ComponentKind.DATASET, "copy",
                        "the copy/memory task as classification: recall the symbol shown at the first step after T-1 steps",
                        List.of(integer("steps", 20, "sequence length T").range(2, 100_000),
                                integer("symbols", 8, "alphabet size (classes)").range(2, 1000),
                                integer("length", 1, "symbols shown at the start; the ones after the first distract").range(1, 100_000),
                                integer("train-size", 5_000, "training sequences").range(1, 10_000_000),
                                integer("test-size", 1_000, "test sequences").range(1, 10_000_000)),
                        (p, ctx) -> {
                            if (p.getInt("length") >= p.getInt("steps")) {
                                throw new io.gradlab.api.GradlabException(io.gradlab.api.GradlabException.Category.COMPONENT,
                                        "dataset 'copy': length " + p.getInt("length") + " must be smaller than steps " + p.getInt("steps")
                                                + " (the last step is the recall marker)");
                            }
                            return SequenceTasks.copy(p.getInt("steps"), p.getInt("symbols"), p.getInt("length"), p.getInt("train-size"),
                                    p.getInt("test-size"), ctx.data().random().fork("copy"));
                        }));
    }

    private static List<ComponentFactory<Diagnostic>> diagnostics() {
        return List.of(ComponentFactory.of(ComponentKind.DIAGNOSTIC, "recurrent",
                "recurrent layers: ||dL/dh_t|| for every time step, spectral radius and norm of W_hh, and a NaN/Inf sentinel naming the time step",
                List.of(real("vanishing-ratio", 1e-3, "ratio ||dL/dh_first|| / ||dL/dh_last|| below which the gradient vanishes through time")
                                .rangeExclusiveMin(0, 1),
                        real("exploding-ratio", 1e3, "ratio above which the gradient explodes through time").range(1, 1e300),
                        bool("stop-on-non-finite", true, "stop the run at the first NaN/Inf in a recurrent layer, naming the time step")),
                p -> new RecurrentDiagnostic(p.getDouble("vanishing-ratio"), p.getDouble("exploding-ratio"), p.getBoolean("stop-on-non-finite"))));
    }
}
