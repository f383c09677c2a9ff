package io.gradlab.plugins.recurrent;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.GradlabException;
import io.gradlab.api.nn.AbstractLayer;
import io.gradlab.api.nn.BuildContext;
import io.gradlab.api.nn.Fan;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.Elementwise;
import io.gradlab.api.tensor.Expr;
import io.gradlab.api.tensor.RandomSource;
import io.gradlab.api.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * The unrolling shared by {@link RnnLayer}, {@link LstmLayer} and {@link GruLayer}: a sequence batch
 * {@code [batch, T*F]} (step t's features in columns {@code t*F .. t*F+F-1}) runs through one cell
 * for T steps from a zero state; the output is the last hidden state {@code [batch, H]}, or every
 * hidden state {@code [batch, T*H]} with {@code return-sequences}.
 *
 * <p>Parameters (PyTorch layout, G = gates: 1, 4 or 3): {@code weight_ih [G*H, F]} (first, so that it
 * is the layer's "weight" in diagnostics), {@code weight_hh [G*H, H]}, {@code bias_ih} and
 * {@code bias_hh [G*H]}.
 *
 * <p>How it computes (as cuDNN and PyTorch do): the input is copied time-major once per batch
 * ({@link RecurrentWorkspace}); the input projection of each gate is one product over all steps,
 * {@code [T*batch, F] x [F, H]}; per step there remain the recurrent products {@code h_{t-1} W_hh^T},
 * added into the step's slice of each gate, and one elementwise program of the cell (its gate
 * arithmetic in one pass). The batch rows are split into parts that run the whole recurrence side by
 * side ({@code ops.parallelFor}). Backward mirrors it: per step one program and the products with
 * {@code W_hh}; the gradients of {@code W_ih}, {@code W_hh} and the biases are one product (or column
 * sum) per gate over all steps. Nothing is allocated once an epoch's batch sizes were seen.
 *
 * <p>Backward is backpropagation through time, truncated to chunks of {@code truncate} steps when set.
 * Each backward pass records {@code ||dL/dh_t||} (Frobenius norm over the batch) for every step t: the
 * gradient-through-time curve that the {@code recurrent} diagnostic averages over an epoch. The
 * layer also notes the first non-finite hidden state or gradient, with its time step.
 */
public abstract class RecurrentLayer extends AbstractLayer {
    private static final int MAX_WORKSPACES = 4;
    private static final Expr ELEMENT = Expr.arg(0);
    /** {@code a0 = a1 + a2}: the two biases summed. */
    private static final Elementwise ADD = Elementwise.assign(0, Expr.arg(1).add(Expr.arg(2)));

    private final RecurrentConfig config;
    private final int gates;
    protected int steps;
    protected int features;
    protected final int hidden;
    private Parameter weightIh;
    private Parameter weightHh;
    private Parameter biasIh;
    private Parameter biasHh;
    /** Per gate: views of the parameters' and their gradients' gate blocks. */
    private Tensor[] wIh;
    private Tensor[] wHh;
    private Tensor[] bHh;
    private Tensor[] wIhGrad;
    private Tensor[] wHhGrad;
    private Tensor[] bIhGrad;
    private Tensor[] bHhGrad;
    /** Per gate: the bias of the input projection, {@code b_ih + b_hh} (or {@code b_ih}, see {@link #separateRecurrentProduct}). */
    private Tensor[] projectionBias;
    /** {@code {b_ih + b_hh, b_ih, b_hh}}: the arguments of the sum, recomputed every forward pass. */
    private Tensor[] biasSumArgs;
    private Elementwise forwardStep;
    private Elementwise backwardStepInto;
    private Elementwise backwardStepLast;
    private final IntConsumer forwardPart = this::forwardPart;
    private final IntConsumer backwardPart = this::backwardPart;
    private final RecurrentWorkspace[] workspaces = new RecurrentWorkspace[MAX_WORKSPACES];
    private int nextWorkspace;
    private RecurrentWorkspace current;
    private double[] squares = new double[0];
    private boolean backpropagated;
    private double[] lastGradNorms = new double[0];
    private double[] lastFiniteGradNorms = new double[0];
    private boolean anyFiniteGradNorms;
    private List<Parameter> parameters = List.of();
    private double[] gradNormSums = new double[0];
    private long gradNormCount;
    private double gradNormMax;
    private NonFiniteEvent nonFinite;
    private Consumer<NonFiniteEvent> sentinel;

    protected RecurrentLayer(String name, String type, RecurrentConfig config, int gates) {
        super(name, type);
        this.config = requireNonNull(config, "config is null");
        this.gates = gates;
        this.hidden = config.hidden();
    }

    public RecurrentConfig config() {
        return config;
    }

    /** Gates in the parameter layout: 1 (RNN), 4 (LSTM: i, f, g, o) or 3 (GRU: r, z, n). */
    public int gates() {
        return gates;
    }

    /** The names of the gate blocks of {@code W_hh}, in layout order. */
    public abstract List<String> gateNames();

    public int steps() {
        return steps;
    }

    public int hidden() {
        return hidden;
    }

    public Parameter weightIh() {
        return weightIh;
    }

    public Parameter weightHh() {
        return weightHh;
    }

    public Parameter biasIh() {
        return biasIh;
    }

    public Parameter biasHh() {
        return biasHh;
    }

    /**
     * Truncated BPTT ({@code truncate} shorter than the sequence) deliberately drops the gradient that
     * crosses chunk boundaries, so it is not the derivative of the forward pass.
     */
    @Override
    public boolean exactGradient() {
        return config.truncate() == 0 || (steps > 0 && config.truncate() >= steps);
    }

    @Override
    public List<Parameter> parameters() {
        return parameters;
    }

    @Override
    protected int onBuild(int inputWidth, BuildContext ctx) {
        int t = config.steps();
        int f = config.features();
        if (t == 0 && f == 0) {
            throw new GradlabException(GradlabException.Category.SPEC, "layer '" + name() + "' (" + type() + ") cannot split its "
                    + inputWidth + " input features into time steps: set steps (time steps per sample) or features (features per step);"
                    + " the rnn-net architecture sets steps from the data's time steps (e.g. fashion-mnist with time-steps: 28)");
        }
        if (t == 0) {
            t = inputWidth / f;
        } else if (f == 0) {
            f = inputWidth / t;
        }
        if ((long) t * f != inputWidth) {
            throw new GradlabException(GradlabException.Category.SPEC, "layer '" + name() + "' (" + type() + ") got " + inputWidth
                    + " input features, which is not " + config.steps() + " steps x " + config.features()
                    + " features; the input must be [batch, steps*features] with steps dividing the width (valid steps: "
                    + divisors(inputWidth) + ")");
        }
        this.steps = t;
        this.features = f;
        int gh = gates * hidden;
        weightIh = new Parameter("weight_ih", Parameter.Role.WEIGHT, Tensor.zeros(ctx.dtype(), gh, f));
        weightHh = new Parameter("weight_hh", Parameter.Role.WEIGHT, Tensor.zeros(ctx.dtype(), gh, hidden));
        biasIh = new Parameter("bias_ih", Parameter.Role.BIAS, Tensor.zeros(ctx.dtype(), gh));
        biasHh = new Parameter("bias_hh", Parameter.Role.BIAS, Tensor.zeros(ctx.dtype(), gh));
        ctx.initializeWeight(weightIh, new Fan(f, hidden, nonlinearity()));
        RandomSource random = ctx.random();
        Tensor whh = weightHh.value();
        for (int g = 0; g < gates; g++) {
            double[] block = config.recurrentInit().block(hidden, config.spectralRadius(), random.fork("w_hh-" + g), ctx.ops());
            for (int i = 0; i < block.length; i++) {
                whh.set(g * hidden * hidden + i, block[i]);
            }
        }
        initializeBiases(biasIh.value(), biasHh.value());
        parameters = List.of(weightIh, weightHh, biasIh, biasHh);
        Tensor biasSum = Tensor.zeros(ctx.dtype(), gh);
        biasSumArgs = new Tensor[] {biasSum, biasIh.value(), biasHh.value()};
        wIh = gateBlocks(weightIh.value());
        wHh = gateBlocks(weightHh.value());
        bHh = gateBlocks(biasHh.value());
        wIhGrad = gateBlocks(weightIh.grad());
        wHhGrad = gateBlocks(weightHh.grad());
        bIhGrad = gateBlocks(biasIh.grad());
        bHhGrad = gateBlocks(biasHh.grad());
        Tensor[] bIh = gateBlocks(biasIh.value());
        Tensor[] sums = gateBlocks(biasSum);
        projectionBias = new Tensor[gates];
        for (int g = 0; g < gates; g++) {
            projectionBias[g] = separateRecurrentProduct(g) ? bIh[g] : sums[g];
        }
        forwardStep = forwardProgram();
        backwardStepInto = backwardProgram(true);
        backwardStepLast = backwardProgram(false);
        squares = new double[t];
        lastGradNorms = new double[t];
        lastFiniteGradNorms = new double[t];
        gradNormSums = new double[t];
        return config.returnSequences() ? t * hidden : hidden;
    }

    /** The G row blocks {@code [H, ...]} of a parameter (or gradient) {@code [G*H, ...]} or {@code [G*H]}. */
    private Tensor[] gateBlocks(Tensor t) {
        Tensor[] blocks = new Tensor[gates];
        for (int g = 0; g < gates; g++) {
            blocks[g] = t.slice(g * hidden, (g + 1) * hidden);
        }
        return blocks;
    }

    private static String divisors(int n) {
        StringBuilder sb = new StringBuilder();
        int shown = 0;
        for (int d = 1; d <= n && shown < 12; d++) {
            if (n % d == 0) {
                sb.append(shown++ == 0 ? "" : ", ").append(d);
            }
        }
        return sb.toString();
    }

    /** The activation id for gain-aware input-weight initialisers. */
    protected String nonlinearity() {
        return "tanh";
    }

    /** Sets the biases after they were zeroed; nothing by default. */
    protected void initializeBiases(Tensor biasIh, Tensor biasHh) {}

    /**
     * Whether the recurrent product of {@code gate} is kept apart from the gate's pre-activation (the
     * GRU's {@code W_hn h + b_hn}, which the reset gate scales): then the gate's input projection carries
     * {@code b_ih} only, and the step's program adds {@code b_hh}. Otherwise both biases go into the
     * input projection and the recurrent product is added to it.
     */
    boolean separateRecurrentProduct(int gate) {
        return false;
    }

    /** Whether the cell carries a second state (LSTM: c) whose gradient flows between steps. */
    boolean hasCellState() {
        return false;
    }

    /**
     * The program of one step: from the gates' pre-activations (input projection plus recurrent
     * product) and the previous state, the activated gates, the new state h_t (and c_t), and whatever the
     * backward pass needs, in one pass over the rows of a part.
     */
    abstract Elementwise forwardProgram();

    /** The arguments of {@link #forwardProgram()} for the rows of {@code part} at step {@code t} (made once per workspace). */
    abstract Tensor[] forwardArgs(RecurrentWorkspace w, int part, int t);

    /**
     * The program of one backward step: from dL/dh_t (and dL/dc_t from later steps), the gradients of
     * the gates' pre-activations and of the recurrent products; with {@code intoPrevious} also the
     * part of dL/dh_{t-1} that does not pass through {@code W_hh} (added to it), if the cell has one.
     */
    abstract Elementwise backwardProgram(boolean intoPrevious);

    /** The arguments of {@link #backwardProgram(boolean)} for the rows of {@code part} at step {@code t} (made once per workspace). */
    abstract Tensor[] backwardArgs(RecurrentWorkspace w, RecurrentWorkspace.Backward b, int part, int t, boolean intoPrevious);

    /** Whether the gradient flows from step t into step t-1 (not at t = 0, nor across a truncation boundary). */
    final boolean intoPrevious(int t) {
        int k = config.truncate();
        return t > 0 && !(k > 0 && (steps - t) % k == 0);
    }

    /** {@code b_hh}'s block of {@code gate}, for a program that adds it (see {@link #separateRecurrentProduct}). */
    final Tensor recurrentBias(int gate) {
        return bHh[gate];
    }

    @Override
    protected void updateOutput(Tensor input, Tensor output, Mode mode) {
        RecurrentWorkspace w = workspace(input.rows());
        current = w;
        backpropagated = false;
        SequenceLayout.toTimeMajor(input, w.x, steps);
        ops.map(ADD, null, biasSumArgs);
        for (int g = 0; g < gates; g++) {
            ops.linear(w.x, wIh[g], projectionBias[g], w.gate[g]);
        }
        ops.parallelFor(w.parts, forwardPart);
        NonFiniteEvent event = checkStates(w);
        if (event != null) {
            noteNonFinite(event, mode == Mode.TRAIN);
        }
        if (config.returnSequences()) {
            SequenceLayout.toBatchMajor(w.hAll, output, steps);
        } else {
            output.copyFrom(w.hLast);
        }
    }

    /** The recurrence over all steps for the rows of one part. */
    private void forwardPart(int part) {
        RecurrentWorkspace w = current;
        for (int t = 0; t < steps; t++) {
            for (int g = 0; g < gates; g++) {
                Tensor out = w.recurrentOut[g][part][t];
                if (t > 0) {
                    ops.gemm(false, true, 1.0, w.hPrev[part][t], wHh[g], w.separate[g] != null ? 0.0 : 1.0, out);
                } else if (w.separate[g] != null) {
                    out.fill(0); // h_{-1} = 0
                }
            }
            ops.map(forwardStep, null, w.forwardArgs[part][t]);
        }
    }

    /** The first non-finite hidden (or cell) state, earliest step first, or null. */
    private NonFiniteEvent checkStates(RecurrentWorkspace w) {
        if (w.hAll.allFinite() && (w.cAll == null || w.cAll.allFinite())) {
            return null;
        }
        for (int t = 0; t < steps; t++) {
            Tensor h = w.step(w.hs, t + 1);
            int bad = firstNonFinite(h);
            if (bad >= 0) {
                return new NonFiniteEvent(name(), "forward", t, steps, "hidden state h_t", h.get(bad));
            }
            if (w.cs != null) {
                Tensor c = w.step(w.cs, t + 1);
                bad = firstNonFinite(c);
                if (bad >= 0) {
                    return new NonFiniteEvent(name(), "forward", t, steps, "cell state c_t", c.get(bad));
                }
            }
        }
        return null;
    }

    private void noteNonFinite(NonFiniteEvent event, boolean training) {
        if (nonFinite == null) {
            nonFinite = event;
        }
        if (training && sentinel != null) {
            sentinel.accept(event);
        }
    }

    @Override
    protected void updateGradInput(Tensor input, Tensor gradOutput, Tensor gradInput) {
        backpropagate(gradOutput);
        RecurrentWorkspace.Backward b = current.backward();
        for (int g = 0; g < gates; g++) {
            ops.gemm(false, false, 1.0, b.dgate[g], wIh[g], g == 0 ? 0.0 : 1.0, b.dx);
        }
        SequenceLayout.toBatchMajor(b.dx, gradInput, steps);
    }

    @Override
    protected void accGradParameters(Tensor input, Tensor gradOutput) {
        backpropagate(gradOutput);
        RecurrentWorkspace w = current;
        RecurrentWorkspace.Backward b = w.backward();
        for (int g = 0; g < gates; g++) {
            ops.gemm(true, false, 1.0, b.dgate[g], w.x, 1.0, wIhGrad[g]);
            ops.columnSums(ELEMENT, 1.0, bIhGrad[g], null, b.dgateArgs[g]);
        }
        backpropagated = false;
    }

    /**
     * Backpropagation through time, once per backward pass: fills the gates' gradients, records
     * ||dL/dh_t|| for every step, and accumulates the W_hh and b_hh gradients, each one product (or column
     * sum) over all steps.
     */
    private void backpropagate(Tensor gradOutput) {
        if (backpropagated) {
            return;
        }
        backpropagated = true;
        RecurrentWorkspace w = current;
        RecurrentWorkspace.Backward b = w.backward(this, features);
        if (config.returnSequences()) {
            SequenceLayout.toTimeMajor(gradOutput, b.dhs, steps);
        } else {
            b.dhBeforeLast.fill(0);
            b.dhLast.copyFrom(gradOutput);
        }
        if (b.carry != null) {
            b.carry.fill(0);
        }
        ops.parallelFor(w.parts, backwardPart);
        ops.sumEachOfSquares(squares, b.dhSteps); // the gradient through time: tiny norms must not read as 0
        recordGradientNorms(w, b);
        // all steps at once: dW_hh += sum_t dR_t^T h_{t-1}, db_hh += sum_t dR_t
        for (int g = 0; g < gates; g++) {
            ops.gemm(true, false, 1.0, b.recurrentGrad[g], w.hPrevAll, 1.0, wHhGrad[g]);
            ops.columnSums(ELEMENT, 1.0, bHhGrad[g], null, b.recurrentGradArgs[g]);
        }
    }

    /** Backpropagation through time for the rows of one part: dL/dh_{t-1} gets W_hh^T times the recurrent gradient of step t. */
    private void backwardPart(int part) {
        RecurrentWorkspace w = current;
        RecurrentWorkspace.Backward b = w.backward();
        for (int t = steps - 1; t >= 0; t--) {
            boolean into = intoPrevious(t);
            ops.map(into ? backwardStepInto : backwardStepLast, null, b.backwardArgs[part][t]);
            if (into) {
                for (int g = 0; g < gates; g++) {
                    ops.gemm(false, false, 1.0, b.recurrentGradPart[g][part][t], wHh[g], 1.0, b.dhPrev[part][t]);
                }
            } else if (t > 0 && b.carryPart != null) {
                b.carryPart[part].fill(0); // a truncation boundary: no dL/dc crosses it either
            }
        }
    }

    private void recordGradientNorms(RecurrentWorkspace w, RecurrentWorkspace.Backward b) {
        boolean finite = true;
        for (int t = 0; t < steps; t++) {
            double norm = Math.sqrt(squares[t]);
            lastGradNorms[t] = norm;
            gradNormSums[t] += norm;
            if (Double.isFinite(norm)) {
                gradNormMax = Math.max(gradNormMax, norm);
            } else {
                finite = false;
            }
        }
        gradNormCount++;
        if (finite) {
            System.arraycopy(lastGradNorms, 0, lastFiniteGradNorms, 0, steps);
            anyFiniteGradNorms = true;
            return;
        }
        for (int t = steps - 1; t >= 0; t--) { // the backward pass meets the latest step first
            if (!Double.isFinite(lastGradNorms[t])) {
                Tensor dh = w.step(b.dhs, t);
                int bad = firstNonFinite(dh);
                noteNonFinite(new NonFiniteEvent(name(), "backward", t, steps, "gradient dL/dh_t",
                        bad < 0 ? lastGradNorms[t] : dh.get(bad)), false);
                return;
            }
        }
    }

    /** ||dL/dh_t|| of step {@code t} in the last backward pass (no copy, for a diagnostic that reads it every step). */
    public double lastGradientNorm(int t) {
        return lastGradNorms[t];
    }

    /** ||dL/dh_t|| for every step t of the last backward pass. */
    public double[] lastGradientNorms() {
        return lastGradNorms.clone();
    }

    /**
     * ||dL/dh_t|| for every step t of the last backward pass in which all of them were finite (empty
     * before the first): the curve just before an explosion.
     */
    public double[] lastFiniteGradientNorms() {
        return anyFiniteGradNorms ? lastFiniteGradNorms.clone() : new double[0];
    }

    /** The largest finite ||dL/dh_t|| (any step t) since the last {@link #drainGradientNorms()}. */
    public double maxGradientNorm() {
        return gradNormMax;
    }

    /**
     * The mean of ||dL/dh_t|| over the backward passes since the last call (empty when there were none);
     * then starts over (the maximum too).
     */
    public double[] drainGradientNorms() {
        gradNormMax = 0;
        if (gradNormCount == 0) {
            return new double[0];
        }
        double[] mean = new double[steps];
        for (int t = 0; t < steps; t++) {
            mean[t] = gradNormSums[t] / gradNormCount;
        }
        Arrays.fill(gradNormSums, 0);
        gradNormCount = 0;
        return mean;
    }

    /** The first non-finite value seen since the last {@link #clearNonFinite()}, or {@code null}. */
    public NonFiniteEvent nonFinite() {
        return nonFinite;
    }

    public void clearNonFinite() {
        nonFinite = null;
    }

    /**
     * From now on, a training forward pass that produces a non-finite state hands it to
     * {@code sentinel} at once (the {@code recurrent} diagnostic throws there, stopping the run before
     * the loss turns NaN); {@code null} disarms.
     */
    void armSentinel(Consumer<NonFiniteEvent> sentinel) {
        this.sentinel = sentinel;
    }

    /** The index of the first non-finite element, or -1. */
    static int firstNonFinite(Tensor t) {
        if (t.allFinite()) {
            return -1;
        }
        for (int i = 0; i < t.size(); i++) {
            if (!Double.isFinite(t.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private RecurrentWorkspace workspace(int batch) {
        for (RecurrentWorkspace w : workspaces) {
            if (w != null && w.batch == batch) {
                return w;
            }
        }
        RecurrentWorkspace w = new RecurrentWorkspace(this, dtype, batch, steps, features, ops.threads());
        workspaces[nextWorkspace] = w;
        nextWorkspace = (nextWorkspace + 1) % workspaces.length;
        return w;
    }
}
