package io.gradlab.api.nn;

import io.gradlab.api.ComponentSpec;
import java.util.List;

/**
 * What an architecture uses to assemble a network: the built-in dense layer and containers, and any
 * component by spec. Layers come back unbuilt; the engine builds the returned network.
 */
public interface ModelBuilder {
    /** The number of input features of the data. */
    int inputWidth();

    /**
     * The shape of one input sample: {@code [channels, height, width]} for images (its product is
     * {@link #inputWidth()}), {@code [inputWidth()]} for plain features.
     */
    default int[] inputShape() {
        return new int[] {inputWidth()};
    }

    /** The number of outputs the data needs (classes, or regression targets). */
    int outputWidth();

    /** Time steps per sample for sequence data (each step has {@code inputWidth() / timeSteps()} features); 1 otherwise. */
    int timeSteps();

    /**
     * A fully connected layer {@code y = x W^T + b} with {@code W} of shape {@code [units, in]}.
     *
     * @param init         the weight initializer ({@code null}: the model default)
     * @param biasInit     the bias initializer ({@code null}: the weight initializer's bias rule)
     * @param nonlinearity the id of the activation that follows, for gain-aware initializers
     */
    Layer dense(String name, int units, ComponentSpec init, ComponentSpec biasInit, String nonlinearity);

    /**
     * The initializer component {@code init} (for a layer that initialises its own weights, e.g. a
     * convolution: {@code init.initialize(weight, fan, ctx.random())}).
     */
    default Initializer initializer(ComponentSpec init) {
        throw new UnsupportedOperationException("this model builder makes no initializers");
    }

    /** An activation layer around the activation component {@code activation}. */
    Layer activation(String name, ComponentSpec activation);

    /** A normalizer component (batch norm, layer norm, ...) as a layer. */
    Layer normalizer(String name, ComponentSpec normalizer);

    /** Any layer component by spec. */
    Layer layer(String name, ComponentSpec layer);

    /** A container running {@code layers} one after the other. */
    Layer sequential(String name, List<Layer> layers);
}
