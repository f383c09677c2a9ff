package io.gradlab.engine.library;

import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.LayerHook;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.tensor.Tensor;
import java.util.concurrent.CopyOnWriteArrayList;

/** The hooks of one layer, called in the order they were added. */
final class LayerHooks implements LayerHook {
    private final CopyOnWriteArrayList<LayerHook> hooks = new CopyOnWriteArrayList<>();

    void add(LayerHook hook) {
        hooks.add(hook);
    }

    /** Removes {@code hook}; returns whether none is left. */
    boolean remove(LayerHook hook) {
        hooks.remove(hook);
        return hooks.isEmpty();
    }

    @Override
    public void afterForward(Layer layer, Tensor input, Tensor output, Mode mode) {
        for (LayerHook hook : hooks) {
            hook.afterForward(layer, input, output, mode);
        }
    }

    @Override
    public void afterBackward(Layer layer, Tensor gradOutput, Tensor gradInput) {
        for (LayerHook hook : hooks) {
            hook.afterBackward(layer, gradOutput, gradInput);
        }
    }
}
