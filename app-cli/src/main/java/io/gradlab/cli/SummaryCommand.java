package io.gradlab.cli;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.nn.BuildContext;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.Parameter;
import io.gradlab.engine.spec.ExperimentSpec;
import io.gradlab.engine.spec.SpecLoader;
import io.gradlab.engine.train.ExperimentRunner;
import io.gradlab.engine.train.RunOptions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gradlab summary SPEC}: the model's layers, output shapes and parameter counts, built without training. */
@Command(name = "summary",
        header = "Print the model of a spec: each layer, its output shape and parameters, and the total.",
        description = {"Print the model of an experiment spec layer by layer (name, type, output shape, parameters) and the",
                "total, as Keras' model.summary() does. The model is built and its data loaded (for the input width),",
                "nothing is trained or written."})
final class SummaryCommand implements Callable<Integer> {
    private final Host host;

    @Parameters(index = "0", paramLabel = "SPEC", description = "The experiment spec file (.yaml, .yml or .json).")
    Path specFile;

    @Option(names = "--data", paramLabel = "DIR", description = "The data folder; overrides the spec's data path.")
    Path data;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a spec value (repeatable).")
    List<String> overrides = new ArrayList<>();

    SummaryCommand(Host host) {
        this.host = requireNonNull(host, "host is null");
    }

    /** One row of the summary. */
    record Row(String name, String type, String shape, long parameters, long trainable) {}

    @Override
    public Integer call() {
        ExperimentRunner runner = host.get(ExperimentRunner.class);
        ExperimentSpec resolved = runner.resolve(SpecLoader.load(specFile, overrides));
        ExperimentRunner.Prepared prepared = runner.prepare(resolved, new RunOptions(Path.of("runs"), Optional.ofNullable(data), false));
        var parts = prepared.parts();
        List<Row> rows = rows(parts.model(), parts.train().width(), parts.buildContext());
        print(resolved.name(), parts.train().width(), rows, host.console().out());
        return 0;
    }

    /**
     * The shape of one output sample of {@code layer}: its own ({@link Layer#sampleShape()}), else, for a layer without
     * parameters that keeps the width (an activation after a convolution), the shape before it; null when unknown.
     */
    private static int[] outputShape(Layer layer, int width, long parameters, int[] before) {
        int[] own = layer.sampleShape();
        if (own != null) {
            return own;
        }
        if (before != null && parameters == 0 && Arrays.stream(before).reduce(1, (a, b) -> a * b) == width) {
            return before;
        }
        return null;
    }

    /**
     * The top-level layers of the model (the model itself when it is not a container); each is built again
     * in order on the widths the one before it gives, which yields its output width.
     */
    static List<Row> rows(Layer model, int inputWidth, BuildContext ctx) {
        List<Layer> layers = model.children().isEmpty() ? List.of(model) : model.children();
        List<Row> rows = new ArrayList<>();
        int width = inputWidth;
        int[] shape = null;
        for (Layer layer : layers) {
            width = layer.build(width, ctx);
            long[] counts = new long[2];
            count(layer, counts);
            shape = outputShape(layer, width, counts[0], shape);
            rows.add(new Row(layer.name(), layer.type(), shape == null || shape.length < 2 ? "(batch, " + width + ")"
                    : "(batch, " + Arrays.stream(shape).mapToObj(String::valueOf).collect(Collectors.joining(", ")) + ")", counts[0], counts[1]));
        }
        return rows;
    }

    private static void count(Layer layer, long[] counts) {
        for (Parameter p : layer.parameters()) {
            counts[0] += p.value().size();
            if (p.trainable()) {
                counts[1] += p.value().size();
            }
        }
        for (Layer child : layer.children()) {
            count(child, counts);
        }
    }

    static void print(String name, int inputWidth, List<Row> rows, PrintStream out) {
        out.println("Model: \"" + name + "\"  (input: (batch, " + inputWidth + "))");
        TextTable table = new TextTable("Layer (type)", "Output Shape", ">Param #");
        long total = 0;
        long trainable = 0;
        for (Row r : rows) {
            table.row(r.name() + " (" + r.type() + ")", r.shape(), grouped(r.parameters()));
            total += r.parameters();
            trainable += r.trainable();
        }
        table.print(out, "");
        out.println("Total params: " + grouped(total));
        out.println("Trainable params: " + grouped(trainable));
        out.println("Non-trainable params: " + grouped(total - trainable));
        out.flush();
    }

    private static String grouped(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
