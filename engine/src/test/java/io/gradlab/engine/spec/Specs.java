package io.gradlab.engine.spec;

import java.nio.file.Path;
import java.util.List;

/** Spec texts and helpers shared by the spec tests. */
final class Specs {
    static final Path BASE = Path.of("/experiments");

    static final String FULL_YAML = """
            name: m05-baseline               # required
            description: deep sigmoid MLP, the baseline
            data:
              source: fashion-mnist
              validation: 6000
            model:
              architecture:
                id: mlp
                hidden: [128, 128, 128, 128, 128, 128, 128]
                activation: sigmoid
                init: pytorch-default
              loss: softmax-cross-entropy
            training:
              epochs: 100
              batch-size: 512
              optimizer: {id: sgd, lr: 0.01}
              gradient-transforms: [{id: clip-norm, threshold: 1.0}]
              strategy: standard
              seed: 7
              dtype: f64
              threads: 2
              checkpoint: false
            diagnostics: [dead-relu]
            """;

    static final String FULL_JSON = """
            {
              "name": "m05-baseline",
              "description": "deep sigmoid MLP, the baseline",
              "data": {"source": "fashion-mnist", "validation": 6000},
              "model": {
                "architecture": {"id": "mlp", "hidden": [128, 128, 128, 128, 128, 128, 128],
                                 "activation": "sigmoid", "init": "pytorch-default"},
                "loss": "softmax-cross-entropy"
              },
              "training": {
                "epochs": 100, "batch_size": 512, "optimizer": {"id": "sgd", "lr": 0.01},
                "gradient_transforms": [{"id": "clip-norm", "threshold": 1.0}],
                "strategy": "standard", "seed": 7, "dtype": "f64", "threads": 2, "checkpoint": false
              },
              "diagnostics": ["dead-relu"]
            }
            """;

    static final String MINIMAL_YAML = """
            name: tiny
            data:
              source: fashion-mnist
            model:
              architecture: mlp
            training:
              epochs: 3
              batch-size: 32
            """;

    private Specs() {}

    static ExperimentSpec yaml(String text, String... overrides) {
        return SpecLoader.parse(text, "spec.yaml", BASE, List.of(overrides));
    }

    static ExperimentSpec json(String text, String... overrides) {
        return SpecLoader.parse(text, "spec.json", BASE, List.of(overrides));
    }

    /** {@link #MINIMAL_YAML} with the line {@code from} replaced by {@code to}. */
    static String minimalWith(String from, String to) {
        if (!MINIMAL_YAML.contains(from)) {
            throw new IllegalArgumentException("not in the minimal spec: " + from);
        }
        return MINIMAL_YAML.replace(from, to);
    }
}
