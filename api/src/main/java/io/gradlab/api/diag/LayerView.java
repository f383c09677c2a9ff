package io.gradlab.api.diag;

import io.gradlab.api.nn.Activation;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.Parameter;

/**
 * One leaf layer as diagnostics see it: the layer, its weight (or {@code null}) and, for
 * activation layers, the activation (or {@code null}). Input and output of the last forward pass
 * are on the layer ({@link Layer#lastInput()}, {@link Layer#lastOutput()}).
 */
public record LayerView(String name, Layer layer, Parameter weight, Activation activation) {}
