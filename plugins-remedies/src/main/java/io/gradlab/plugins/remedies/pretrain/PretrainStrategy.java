package io.gradlab.plugins.remedies.pretrain;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.ComponentSpec;
import io.gradlab.api.GradlabException;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.ModelBuilder;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.api.train.TrainingControl;
import io.gradlab.api.train.TrainingStrategy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Unsupervised greedy layer-wise pretraining (Hinton et al. 2006, Bengio et al. 2007), then supervised
 * fine-tuning. The strategy builds the MLP {@code input -> layers x width -> output}; hidden layer {@code k}
 * is trained as an autoencoder ({@link LayerAutoencoder}) on the codes of the layers below it, which are
 * already pretrained and stay fixed meanwhile, for {@code pretrain-epochs} passes over the training inputs
 * (no labels); then the whole stack with a fresh output head trains on the spec's loss and optimizer.
 *
 * <p>Budget: every pretraining pass counts as one of the run's epochs, so the fine-tuning gets
 * {@code epochs - layers * pretrain-epochs} epochs and a run compares with a plain run of the same
 * {@code epochs}. The first fine-tuning epoch records {@code pretrain_loss_hidden<k>}, the mean
 * reconstruction loss of layer {@code k}'s last pretraining pass, and {@code pretrain_epochs}.
 */
final class PretrainStrategy implements TrainingStrategy {
    private final int layers;
    private final int width;
    private final ComponentSpec activation;
    private final ComponentSpec init;
    private final int pretrainEpochs;
    private final double lr;
    private final boolean tied;
    private final boolean crossEntropy;
    private final double corruption;

    PretrainStrategy(int layers, int width, ComponentSpec activation, ComponentSpec init, int pretrainEpochs, double lr, boolean tied,
                     boolean crossEntropy, double corruption) {
        this.layers = layers;
        this.width = width;
        this.activation = requireNonNull(activation, "activation is null");
        this.init = requireNonNull(init, "init is null");
        this.pretrainEpochs = pretrainEpochs;
        this.lr = lr;
        this.tied = tied;
        this.crossEntropy = crossEntropy;
        this.corruption = corruption;
    }

    /** The fine-tuning epochs left of {@code totalEpochs}. */
    int fineTuneEpochs(int totalEpochs) {
        int fine = totalEpochs - layers * pretrainEpochs;
        if (fine < 1) {
            throw new GradlabException(GradlabException.Category.SPEC, "training strategy 'pretrain': " + totalEpochs + " epochs leave none"
                    + " for fine-tuning after " + layers + " layers x " + pretrainEpochs + " pretraining epochs; give more than "
                    + layers * pretrainEpochs + " epochs or fewer pretrain-epochs");
        }
        return fine;
    }

    @Override
    public void run(TrainingControl control) {
        int fine = fineTuneEpochs(control.epochs());
        ModelBuilder b = control.builder();
        String nonlinearity = activation.id().value();
        List<Layer> dense = new ArrayList<>();
        List<Layer> acts = new ArrayList<>();
        List<Layer> all = new ArrayList<>();
        for (int k = 1; k <= layers; k++) {
            dense.add(b.dense("hidden" + k, width, init, null, nonlinearity));
            acts.add(b.activation("act" + k, activation));
            all.add(dense.get(k - 1));
            all.add(acts.get(k - 1));
        }
        all.add(b.dense("output", b.outputWidth(), init, null, "linear"));
        control.setModel(b.sequential("pretrained-mlp", all)); // builds every layer
        Map<String, Object> info = new LinkedHashMap<>();
        for (int k = 0; k < layers; k++) {
            String name = "hidden" + (k + 1);
            LayerAutoencoder ae = new LayerAutoencoder(dense.get(k), acts.get(k), tied, crossEntropy, corruption, control.ops(),
                    control.random("pretrain-" + name));
            double loss = Double.NaN;
            for (int e = 0; e < pretrainEpochs; e++) {
                double[] sum = new double[2];
                int below = k;
                control.forEachInputBatch("pretrain-" + name + "-" + e, x -> {
                    Tensor code = x;
                    for (int j = 0; j < below; j++) {
                        code = acts.get(j).forward(dense.get(j).forward(code, Mode.EVAL), Mode.EVAL);
                    }
                    sum[0] += ae.step(code, lr) * x.rows();
                    sum[1] += x.rows();
                });
                loss = sum[0] / sum[1];
                if (!Double.isFinite(loss)) {
                    throw new GradlabException(GradlabException.Category.NUMERIC, "training strategy 'pretrain': the reconstruction loss of "
                            + name + " became " + loss + " in pretraining epoch " + (e + 1) + "; lower pretrain-lr (now " + lr + ")");
                }
            }
            info.put("pretrain_loss_" + name, loss);
        }
        info.put("pretrain_epochs", layers * pretrainEpochs);
        control.record(info);
        for (int e = 0; e < fine; e++) {
            control.trainEpoch("fine-tune");
        }
    }
}
