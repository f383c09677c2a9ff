package io.gradlab.engine.nn;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.GradlabException;
import io.gradlab.engine.registry.PluginFailures;
import io.gradlab.api.diag.Diagnostic;
import io.gradlab.api.nn.BuildContext;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.tensor.Tensor;
import java.util.List;

/**
 * Runs its children one after the other; backward runs them in reverse. An error inside a child is
 * reported with the child's position and name ("in layer 3 'hidden2' of 'mlp'").
 */
public final class Sequential implements Layer {
    private final String name;
    private final List<Layer> children;
    private Tensor lastInput;
    private Tensor lastOutput;

    public Sequential(String name, List<Layer> children) {
        this.name = requireNonNull(name, "name is null");
        this.children = List.copyOf(children);
        if (this.children.isEmpty()) {
            throw new IllegalArgumentException("sequential '" + name + "' has no layers");
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String type() {
        return "sequential";
    }

    @Override
    public int build(int inputWidth, BuildContext ctx) {
        int width = inputWidth;
        for (int i = 0; i < children.size(); i++) {
            Layer child = children.get(i);
            try {
                width = child.build(width, ctx);
            } catch (RuntimeException e) {
                throw context(e, i, child, "build");
            } catch (Error e) {
                throw context(e, i, child, "build");
            }
        }
        return width;
    }

    @Override
    public Tensor forward(Tensor input, Mode mode) {
        lastInput = input;
        Tensor x = input;
        for (int i = 0; i < children.size(); i++) {
            Layer child = children.get(i);
            try {
                x = child.forward(x, mode);
            } catch (RuntimeException e) {
                throw context(e, i, child, "forward");
            } catch (Error e) {
                throw context(e, i, child, "forward");
            }
        }
        lastOutput = x;
        return x;
    }

    @Override
    public Tensor backward(Tensor gradOutput) {
        Tensor g = gradOutput;
        for (int i = children.size() - 1; i >= 0; i--) {
            Layer child = children.get(i);
            try {
                g = child.backward(g);
            } catch (RuntimeException e) {
                throw context(e, i, child, "backward");
            } catch (Error e) {
                throw context(e, i, child, "backward");
            }
            if (g == null && i > 0) {
                throw new IllegalStateException("layer '" + child.name() + "' returned no input gradient but is not first");
            }
        }
        return g;
    }

    @Override
    public List<Layer> children() {
        return children;
    }

    @Override
    public void setInputGradientRequired(boolean required) {
        children.get(0).setInputGradientRequired(required);
    }

    @Override
    public Tensor lastInput() {
        return lastInput;
    }

    @Override
    public Tensor lastOutput() {
        return lastOutput;
    }

    private RuntimeException context(RuntimeException e, int index, Layer child, String phase) {
        String where = "in layer " + (index + 1) + " '" + child.name() + "' (" + child.type() + ") of '" + name + "', " + phase;
        if (e instanceof GradlabException ge) {
            if (ge.getMessage().startsWith("in layer")) {
                return ge;
            }
            return new GradlabException(ge.category(), where + ": " + ge.getMessage(), ge);
        }
        if (e instanceof Diagnosed || e instanceof Diagnostic.StopTraining) {
            return e; // a diagnostic's stop signal (e.g. a recurrent layer's NaN sentinel) reaches the runner unchanged
        }
        return new GradlabException(GradlabException.Category.INTERNAL, where + ": " + e, e);
    }

    /**
     * The plugin boundary inside the model: an {@code Error} from a layer's code (a stack overflow, an
     * assertion) becomes a plugin failure naming the layer; running out of memory stays what it is.
     */
    private RuntimeException context(Error e, int index, Layer child, String phase) {
        if (e instanceof OutOfMemoryError) {
            throw e;
        }
        String where = "in layer " + (index + 1) + " '" + child.name() + "' (" + child.type() + ") of '" + name + "', " + phase;
        return new GradlabException(GradlabException.Category.PLUGIN, where + ": the layer's code failed with "
                + PluginFailures.describe(e) + "; fix or remove the plugin that provides '" + child.type() + "'", e);
    }

    /** Marker for exceptions that must pass through containers unchanged. */
    public interface Diagnosed {}

    /** When every child's rows are. */
    @Override
    public boolean independentRows() {
        return Layer.allIndependentRows(children);
    }
}
