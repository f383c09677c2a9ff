package io.gradlab.cli.study;

import static java.util.Objects.requireNonNull;

import io.gradlab.engine.train.EpochMetrics;
import io.gradlab.engine.train.LayerMetrics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What one network of the resnet study gave: its depth and kind, the training error of every epoch, and
 * the weight-gradient norm of each convolution in the first epoch (stem first, the last block's second
 * convolution last).
 *
 * @param trainErrors 1 - training accuracy, one per finished epoch
 * @param convGrads   the convolutions' names and ||dL/dW|| averaged over the first epoch's steps, from the
 *                    input side to the output side (the 1x1 shortcut projections left out)
 */
record ResnetOutcome(int depth, boolean residual, String status, List<Double> trainErrors, double finalTestAccuracy,
                     List<ConvGrad> convGrads, Path runDir, String error) {
    /** The 3x3 convolutions of the resnet architecture: the stem and both convolutions of every block. */
    private static final Pattern CONV = Pattern.compile("stem|.*-conv[12]");

    ResnetOutcome {
        requireNonNull(status, "status is null");
        trainErrors = List.copyOf(trainErrors);
        convGrads = List.copyOf(convGrads);
    }

    /** One convolution's first-epoch weight-gradient norm. */
    record ConvGrad(String layer, double gradNorm) {}

    static ResnetOutcome of(int depth, boolean residual, String status, List<EpochMetrics> history, Path runDir, String error) {
        List<Double> errors = new ArrayList<>();
        for (EpochMetrics m : history) {
            errors.add(1 - m.trainAccuracy());
        }
        List<ConvGrad> grads = history.isEmpty() ? List.of() : convGrads(history.get(0));
        double acc = history.isEmpty() ? Double.NaN : history.get(history.size() - 1).testAccuracy();
        return new ResnetOutcome(depth, residual, status, errors, acc, grads, runDir, error);
    }

    /** The 3x3 convolutions' weight-gradient norms of one epoch's figures, input side first. */
    static List<ConvGrad> convGrads(EpochMetrics epoch) {
        List<ConvGrad> grads = new ArrayList<>();
        for (LayerMetrics l : epoch.layers()) {
            if (CONV.matcher(l.name()).matches()) {
                grads.add(new ConvGrad(l.name(), l.gradNorm()));
            }
        }
        return grads;
    }

    /** ||dL/dW|| of the first convolution over that of the last one, NaN when unknown. */
    static double firstLastRatio(List<ConvGrad> convGrads) {
        if (convGrads.size() < 2) {
            return Double.NaN;
        }
        double last = convGrads.get(convGrads.size() - 1).gradNorm();
        return last > 0 ? convGrads.get(0).gradNorm() / last : Double.NaN;
    }

    /** {@code plain20} or {@code resnet20}. */
    String key() {
        return (residual ? "resnet" : "plain") + depth;
    }

    /** The training error of the last finished epoch, NaN when none finished. */
    double finalTrainError() {
        return trainErrors.isEmpty() ? Double.NaN : trainErrors.get(trainErrors.size() - 1);
    }

    /** ||dL/dW|| of the first convolution over that of the last one, NaN when unknown. */
    double firstLastRatio() {
        return firstLastRatio(convGrads);
    }
}
