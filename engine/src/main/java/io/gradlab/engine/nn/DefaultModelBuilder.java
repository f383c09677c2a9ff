package io.gradlab.engine.nn;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.ComponentSpec;
import io.gradlab.api.nn.Initializer;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.ModelBuilder;
import io.gradlab.engine.registry.ComponentRegistry;
import java.util.List;

/** The engine's {@link ModelBuilder}: built-in dense and sequential layers, everything else from the registry. */
public final class DefaultModelBuilder implements ModelBuilder {
    private final ComponentRegistry registry;
    private final int inputWidth;
    private final int outputWidth;
    private final int timeSteps;
    private final int[] inputShape;
    private final String where;

    /** @param where the spec path of the architecture, for error messages */
    public DefaultModelBuilder(ComponentRegistry registry, int inputWidth, int outputWidth, int timeSteps, String where) {
        this(registry, new int[] {inputWidth}, outputWidth, timeSteps, where);
    }

    /** @param inputShape the shape of one sample ({@code [channels, height, width]} for images) */
    public DefaultModelBuilder(ComponentRegistry registry, int[] inputShape, int outputWidth, int timeSteps, String where) {
        this.registry = requireNonNull(registry, "registry is null");
        this.inputShape = inputShape.clone();
        int width = 1;
        for (int d : inputShape) {
            width *= d;
        }
        this.inputWidth = width;
        this.outputWidth = outputWidth;
        this.timeSteps = timeSteps;
        this.where = requireNonNull(where, "where is null");
    }

    @Override
    public int inputWidth() {
        return inputWidth;
    }

    @Override
    public int[] inputShape() {
        return inputShape.clone();
    }

    @Override
    public int outputWidth() {
        return outputWidth;
    }

    @Override
    public int timeSteps() {
        return timeSteps;
    }

    @Override
    public Layer dense(String name, int units, ComponentSpec init, ComponentSpec biasInit, String nonlinearity) {
        Initializer w = init == null ? null : registry.initializer(init, where + "." + name + ".init");
        Initializer b = biasInit == null ? null : registry.initializer(biasInit, where + "." + name + ".bias-init");
        return new Dense(name, units, true, w, b, nonlinearity);
    }

    @Override
    public Initializer initializer(ComponentSpec init) {
        return registry.initializer(init, where + ".init");
    }

    @Override
    public Layer activation(String name, ComponentSpec activation) {
        return new ActivationLayer(name, activation.id().value(), registry.activation(activation, where + ".activation"));
    }

    @Override
    public Layer normalizer(String name, ComponentSpec normalizer) {
        return registry.normalizer(normalizer, name, where + ".normalizer");
    }

    @Override
    public Layer layer(String name, ComponentSpec layer) {
        return registry.layer(layer, name, where + "." + name);
    }

    @Override
    public Layer sequential(String name, List<Layer> layers) {
        return new Sequential(name, layers);
    }
}
