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
import java.util.Arrays;
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
 *   <li>{@code course} (the course's protocol): a stage per block with the earlier blocks frozen, each followed
 *       by a stage of the same model with everything unfrozen: [1]; [1*, 2]; [1, 2]; [1*, 2*, 3]; [1, 2, 3]; ...
 *       ({@code 2 n - 1} stages for {@code n} blocks, each with a fresh head).</li>
 * </ul>
 * Each epoch records {@code layerwise_stage}, {@code layerwise_frozen_layers} (dense layers frozen)
 * and {@code layerwise_trainable_parameters} in the metrics; epochs are tagged {@code stage-k}.
 */
final class LayerwiseStrategy implements TrainingStrategy {
    /** How earlier blocks are frozen. */
    enum Freeze {
        ALTERNATE,
        ALWAYS,
        NEVER,
        COURSE
    }

    /** One stage: the model holds the first {@code blocks} blocks, the first {@code frozenBlocks} of them frozen for {@code frozenEpochs}. */
    record Stage(int blocks, int frozenBlocks, int epochs, int frozenEpochs) {}

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

    /**
     * The stages of the run: one per block, or for {@code course} one per block followed by an
     * unfreezing stage for each block after the first ([1]; [1*, 2]; [1, 2]; [1*, 2*, 3]; ...).
     */
    List<Stage> stages(int totalEpochs) {
        int count = freeze == Freeze.COURSE ? 2 * blocks.size() - 1 : blocks.size();
        int[] epochs = plan(totalEpochs, count);
        List<Stage> out = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            int e = epochs[s];
            if (freeze == Freeze.COURSE) {
                int inModel = (s + 1) / 2 + 1;
                boolean freezing = s % 2 == 1;
                out.add(new Stage(inModel, freezing ? inModel - 1 : 0, e, freezing ? e : 0));
            } else {
                int frozenEpochs = s == 0 ? 0 : switch (freeze) {
                    case ALWAYS -> e;
                    case ALTERNATE -> (e + 1) / 2;
                    default -> 0;
                };
                out.add(new Stage(s + 1, s, e, frozenEpochs));
            }
        }
        return out;
    }

    /** The epochs of each stage: {@code epochs-per-stage} each, or the run's epochs shared out, the remainder to the last stages. */
    private int[] plan(int totalEpochs, int stages) {
        int[] plan = new int[stages];
        if (epochsPerStage != null) {
            Arrays.fill(plan, epochsPerStage);
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
        List<Stage> stages = stages(control.epochs());
        String nonlinearity = activation.id().value();
        List<List<Layer>> built = new ArrayList<>();
        int hidden = 0;
        for (int s = 1; s <= stages.size(); s++) {
            Stage stage = stages.get(s - 1);
            while (built.size() < stage.blocks()) {
                List<Layer> block = new ArrayList<>();
                for (int j = 0; j < blocks.get(built.size()); j++) {
                    hidden++;
                    block.add(b.dense("hidden" + hidden, width, init, null, nonlinearity));
                    block.add(b.activation("act" + hidden, activation));
                }
                built.add(block);
            }
            List<Layer> frozenLayers = new ArrayList<>();
            int frozenDense = 0;
            for (int k = 0; k < stage.frozenBlocks(); k++) {
                frozenLayers.addAll(built.get(k));
                frozenDense += blocks.get(k);
            }
            List<Layer> layers = new ArrayList<>();
            built.forEach(layers::addAll);
            layers.add(b.dense("output", b.outputWidth(), init, null, "linear"));
            control.setModel(b.sequential("layerwise-stage" + s, layers));
            List<Parameter> frozenParams = parameters(frozenLayers);
            List<Parameter> all = parameters(layers);
            for (int e = 0; e < stage.epochs(); e++) {
                boolean frozen = e < stage.frozenEpochs();
                for (Parameter p : all) {
                    p.setTrainable(true);
                }
                for (Parameter p : frozenParams) {
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
        }
        List<Layer> everything = new ArrayList<>();
        built.forEach(everything::addAll);
        for (Parameter p : parameters(everything)) {
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
