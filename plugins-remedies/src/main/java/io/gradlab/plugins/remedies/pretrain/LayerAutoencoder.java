package io.gradlab.plugins.remedies.pretrain;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.nn.AbstractLayer.BufferCache;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Elementwise;
import io.gradlab.api.tensor.Expr;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.RandomSource;
import io.gradlab.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * An autoencoder around one hidden layer of the network: the encoder is the layer's own dense layer and
 * activation, {@code h = act(x W^T + b)}; the decoder is {@code r = sigmoid(h V^T + c)} with its own
 * {@code V} (untied) or {@code V = W^T} (tied, the decoder's gradient added into {@code W}'s). The
 * reconstruction loss per sample is the cross-entropy {@code -sum(x log r + (1 - x) log(1 - r))} or the
 * squared error {@code sum((r - x)^2) / 2}, averaged over the batch; the targets (pixels in [0, 1], codes of
 * sigmoid layers) lie in [0, 1]. With {@code corruption > 0} each input element is set to 0 with that
 * probability before encoding, and the clean input is the target (a denoising autoencoder).
 * Each {@link #step} is one plain SGD step on the encoder's and decoder's parameters.
 */
final class LayerAutoencoder {
    private static final double EPS = 1e-6;
    private static final Elementwise SIGMOID = Elementwise.assign(0, Expr.arg(0).sigmoid());
    private static final Expr CROSS_ENTROPY = clamp(Expr.arg(1)).log().mul(Expr.arg(0))
            .add(clamp(Expr.arg(1).rsub(1)).log().mul(Expr.arg(0).rsub(1))).neg();
    private static final Expr SQUARED_ERROR = Expr.arg(1).sub(Expr.arg(0)).square().mul(0.5);
    /** dL/dz of sigmoid + cross-entropy: (r - x) / batch. */
    private static final Elementwise CROSS_ENTROPY_GRAD = Elementwise.assign(2, Expr.arg(1).sub(Expr.arg(0)).mul(Expr.scalar(0)));
    /** dL/dz of sigmoid + squared error: (r - x) r (1 - r) / batch. */
    private static final Elementwise SQUARED_ERROR_GRAD = Elementwise.assign(2,
            Expr.arg(1).sub(Expr.arg(0)).mul(Expr.arg(1)).mul(Expr.arg(1).rsub(1)).mul(Expr.scalar(0)));

    private final Layer dense;
    private final Layer activation;
    private final boolean tied;
    private final boolean crossEntropy;
    private final double corruption;
    private final Ops ops;
    private final RandomSource random;
    private final Parameter weight;
    private final List<Parameter> parameters = new ArrayList<>();
    private final Tensor decoderWeight;
    private final Tensor decoderWeightGrad;
    private final Tensor decoderBias;
    private final Tensor decoderBiasGrad;
    private final BufferCache corrupted = new BufferCache();
    private final BufferCache reconstruction = new BufferCache();
    private final BufferCache gradReconstruction = new BufferCache();
    private final BufferCache gradCode = new BufferCache();

    LayerAutoencoder(Layer dense, Layer activation, boolean tied, boolean crossEntropy, double corruption, Ops ops, RandomSource random) {
        this.dense = requireNonNull(dense, "dense is null");
        this.activation = requireNonNull(activation, "activation is null");
        this.tied = tied;
        this.crossEntropy = crossEntropy;
        this.corruption = corruption;
        this.ops = requireNonNull(ops, "ops is null");
        this.random = requireNonNull(random, "random is null");
        this.weight = dense.parameters().stream().filter(p -> p.role() == Parameter.Role.WEIGHT).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("layer '" + dense.name() + "' has no weight"));
        parameters.addAll(dense.parameters());
        parameters.addAll(activation.parameters());
        DType dtype = weight.value().dtype();
        int units = weight.value().rows();
        int in = weight.value().cols();
        this.decoderBias = Tensor.zeros(dtype, in);
        this.decoderBiasGrad = Tensor.zeros(dtype, in);
        if (tied) {
            this.decoderWeight = null;
            this.decoderWeightGrad = null;
        } else {
            // PyTorch's Linear default: U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in = the code width
            this.decoderWeight = Tensor.zeros(dtype, in, units);
            this.decoderWeightGrad = Tensor.zeros(dtype, in, units);
            double bound = 1 / Math.sqrt(units);
            for (int i = 0; i < decoderWeight.size(); i++) {
                decoderWeight.set(i, (2 * random.nextDouble() - 1) * bound);
            }
        }
    }

    private static Expr clamp(Expr e) {
        return e.max(EPS).min(1 - EPS);
    }

    /** One SGD step with learning rate {@code lr} on the batch {@code input} {@code [batch, in]}; returns the batch's mean reconstruction loss. */
    double step(Tensor input, double lr) {
        int batch = input.rows();
        int in = input.cols();
        for (Parameter p : parameters) {
            p.grad().fill(0);
        }
        decoderBiasGrad.fill(0);
        Tensor x = corrupt(input);
        Tensor h = activation.forward(dense.forward(x, Mode.TRAIN), Mode.TRAIN);
        Tensor r = reconstruction.get(input.dtype(), batch, in);
        Tensor w = weight.value();
        if (tied) {
            ops.gemm(false, false, 1, h, w, 0, r);
            ops.addRowVector(r, decoderBias);
        } else {
            decoderWeightGrad.fill(0);
            ops.linear(h, decoderWeight, decoderBias, r);
        }
        ops.map(SIGMOID, null, r);
        double loss = ops.sum(crossEntropy ? CROSS_ENTROPY : SQUARED_ERROR, null, input, r) / batch;
        Tensor dz = gradReconstruction.get(input.dtype(), batch, in);
        ops.map(crossEntropy ? CROSS_ENTROPY_GRAD : SQUARED_ERROR_GRAD, new double[] {1.0 / batch}, input, r, dz);
        ops.sumRows(dz, 1, decoderBiasGrad);
        Tensor dh = gradCode.get(input.dtype(), batch, h.cols());
        if (tied) {
            ops.gemm(true, false, 1, h, dz, 1, weight.grad());
            ops.gemm(false, true, 1, dz, w, 0, dh);
        } else {
            ops.gemm(true, false, 1, dz, h, 1, decoderWeightGrad);
            ops.gemm(false, false, 1, dz, decoderWeight, 0, dh);
        }
        dense.backward(activation.backward(dh));
        for (Parameter p : parameters) {
            ops.axpy(-lr, p.grad(), p.value());
        }
        ops.axpy(-lr, decoderBiasGrad, decoderBias);
        if (!tied) {
            ops.axpy(-lr, decoderWeightGrad, decoderWeight);
        }
        for (Parameter p : parameters) {
            p.grad().fill(0);
        }
        return loss;
    }

    /** The input with each element zeroed with probability {@code corruption} (the input itself when 0). */
    private Tensor corrupt(Tensor input) {
        if (corruption <= 0) {
            return input;
        }
        Tensor x = corrupted.get(input.dtype(), input.rows(), input.cols());
        x.copyFrom(input);
        for (int i = 0; i < x.size(); i++) {
            if (random.nextDouble() < corruption) {
                x.set(i, 0);
            }
        }
        return x;
    }
}
