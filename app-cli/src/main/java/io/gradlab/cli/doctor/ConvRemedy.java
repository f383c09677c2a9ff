package io.gradlab.cli.doctor;

import io.gradlab.api.ComponentSpec;
import io.gradlab.api.diag.Finding;
import io.gradlab.engine.spec.ExperimentSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The remedy a convolutional network without shortcuts gets for a vanishing or exploding gradient: residual
 * blocks (He et al. 2016), named first among the finding's remedies. The diagnostics that find the gradient
 * problem see layers, not architectures; the doctor sees the spec and knows whether the network is a plain CNN
 * ({@code cnn}, or {@code resnet} with {@code residual: false}).
 */
final class ConvRemedy {
    static final String RESIDUAL = "residual blocks: an identity shortcut around each pair of convolutions (architecture resnet with"
            + " residual: true, i.e. basic-block with residual: true; examples/resnet/resnet20.yaml)";
    private static final Set<String> CODES = Set.of("vanishing-gradient", "exploding-gradient");

    private ConvRemedy() {}

    /** Whether the resolved spec's network is made of convolutions without shortcuts. */
    static boolean plainConvolutional(ExperimentSpec resolved) {
        ComponentSpec arch = resolved.model().architecture();
        String id = arch.id().value();
        return id.equals("cnn") || id.equals("resnet") && Boolean.FALSE.equals(arch.params().get("residual"));
    }

    /** {@code findings} with {@link #RESIDUAL} first among the remedies of each gradient finding, when the network is a plain CNN. */
    static List<Finding> apply(ExperimentSpec resolved, List<Finding> findings) {
        if (!plainConvolutional(resolved)) {
            return findings;
        }
        List<Finding> out = new ArrayList<>(findings.size());
        for (Finding f : findings) {
            if (CODES.contains(f.code()) && !f.remedies().contains(RESIDUAL)) {
                List<String> remedies = new ArrayList<>(f.remedies().size() + 1);
                remedies.add(RESIDUAL);
                remedies.addAll(f.remedies());
                f = new Finding(f.severity(), f.code(), f.message(), f.layer(), f.evidence(), List.copyOf(remedies));
            }
            out.add(f);
        }
        return out;
    }
}
