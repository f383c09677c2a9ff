package io.gradlab.plugins.remedies.layerwise;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.ComponentSpec;
import io.gradlab.api.GradlabException;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.ModelBuilder;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.train.TrainingControl;
import io.gradlab.api.train.TrainingStrategy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Layer-wise training: the network grows one block of hidden layers per stage. Stage {@code k}
 * trains the model {@code [blocks 1..k-1 (already trained), block k (new), a fresh output head]};
 * hidden layers are numbered through the stages ({@code hidden1}, {@code act1}, ...), so that
 * per-layer metrics compare with the plain {@code mlp}. The spec's own architecture is replaced
 * (a strategy cannot read it): width, activation and initializer are the strategy's parameters.
 *
 * <p>Freezing the earlier blocks:
 * <ul>
 *   <li>{@code always}: earlier blocks stay frozen, only the new block and the head learn (greedy layer-wise training);</li>
 *   <li>{@code never}: the whole model learns in every stage;</li>
 *   <li>{@code alternate} (the course's scheme, as read here): each stage after the first trains its first
 *       half of epochs (rounded up) with the earlier blocks frozen, then unfreezes them for the rest, so
 *       freezing and unfreezing alternate through the run.</li>
 * </ul>
 * Each epoch records {@code layerwise_stage}, {@code layerwise_frozen_layers} (dense layers frozen)
 * and {@code layerwise_trainable_parameters} in the metrics; epochs are tagged {@code stage-k}.
 */
final class LayerwiseStrategy implements TrainingStrategy {
    /** How earlier blocks are frozen. */
    enum Freeze {
        ALTERNATE,
        ALWAYS,
        NEVER
    }

    private final List<Integer> blocks;
    private final Integer epochsPerStage;
    private final Freeze freeze;
    private final int width;
    private final ComponentSpec activation;
    private final ComponentSpec init;

    /** @param epochsPerStage epochs of every stage, or {@code null} to share the run's epochs out */
    LayerwiseStrategy(List<Integer> blocks, Integer epochsPerStage, Freeze freeze, int width, ComponentSpec activation, ComponentSpec init) {
        this.blocks = List.copyOf(blocks);
        this.epochsPerStage = epochsPerStage;
        this.freeze = requireNonNull(freeze, "freeze is null");
        this.width = width;
        this.activation = requireNonNull(activation, "activation is null");
        this.init = requireNonNull(init, "init is null");
        if (this.blocks.isEmpty() || this.blocks.stream().anyMatch(b -> b <= 0)) {
            throw new GradlabException(GradlabException.Category.COMPONENT, "training strategy 'layerwise': blocks must be a non-empty list"
                    + " of positive numbers of hidden layers per stage, got " + blocks + " (e.g. [2, 2, 2, 1])");
        }
    }

    /** The epochs of each stage: {@code epochs-per-stage} each, or the run's epochs shared out, the remainder to the last stages. */
    int[] plan(int totalEpochs) {
        int stages = blocks.size();
        int[] plan = new int[stages];
        if (epochsPerStage != null) {
            java.util.Arrays.fill(plan, epochsPerStage);
            return plan;
        }
        if (totalEpochs < stages) {
            throw new GradlabException(GradlabException.Category.SPEC, "training strategy 'layerwise': " + totalEpochs + " epochs cannot cover "
                    + stages + " stages (blocks " + blocks + "); give at least " + stages + " epochs, fewer blocks, or epochs-per-stage");
        }
        int base = totalEpochs / stages;
        int extra = totalEpochs % stages;
        for (int s = 0; s < stages; s++) {
            plan[s] = base + (s >= stages - extra ? 1 : 0);
        }
        return plan;
    }

    @Override
    public void run(TrainingControl control) {
        ModelBuilder b = control.builder();
        int[] plan = plan(control.epochs());
        String nonlinearity = activation.id().value();
        List<Layer> earlier = new ArrayList<>();
        int frozenDense = 0;
        int hidden = 0;
        for (int s = 1; s <= blocks.size(); s++) {
            List<Layer> block = new ArrayList<>();
            int denseInBlock = blocks.get(s - 1);
            for (int j = 0; j < denseInBlock; j++) {
                hidden++;
                block.add(b.dense("hidden" + hidden, width, init, null, nonlinearity));
                block.add(b.activation("act" + hidden, activation));
            }
            List<Layer> layers = new ArrayList<>(earlier);
            layers.addAll(block);
            layers.add(b.dense("output", b.outputWidth(), init, null, "linear"));
            control.setModel(b.sequential("layerwise-stage" + s, layers));
            List<Parameter> earlierParams = parameters(earlier);
            List<Parameter> all = parameters(layers);
            int epochs = plan[s - 1];
            int frozenEpochs = switch (freeze) {
                case ALWAYS -> s > 1 ? epochs : 0;
                case NEVER -> 0;
                case ALTERNATE -> s > 1 ? (epochs + 1) / 2 : 0;
            };
            for (int e = 0; e < epochs; e++) {
                boolean frozen = e < frozenEpochs;
                for (Parameter p : earlierParams) {
                    p.setTrainable(!frozen);
                }
                long trainable = all.stream().filter(Parameter::trainable).mapToLong(p -> p.value().size()).sum();
                Map<String, Object> info = new LinkedHashMap<>();
                info.put("layerwise_stage", s);
                info.put("layerwise_frozen_layers", frozen ? frozenDense : 0);
                info.put("layerwise_trainable_parameters", trainable);
                control.record(info);
                control.trainEpoch("stage-" + s);
            }
            earlier.addAll(block);
            frozenDense += denseInBlock;
        }
        for (Parameter p : parameters(earlier)) {
            p.setTrainable(true);
        }
    }

    /**
     * Its calls depend on the plan and the stage alone, never on trained values, so a replay up to a
     * checkpoint rebuilds the same stage model with the same freezing.
     */
    @Override
    public boolean resumable() {
        return true;
    }

    private static List<Parameter> parameters(List<Layer> layers) {
        List<Parameter> out = new ArrayList<>();
        for (Layer l : layers) {
            collect(l, out);
        }
        return out;
    }

    private static void collect(Layer layer, List<Parameter> out) {
        out.addAll(layer.parameters());
        for (Layer child : layer.children()) {
            collect(child, out);
        }
    }
}
