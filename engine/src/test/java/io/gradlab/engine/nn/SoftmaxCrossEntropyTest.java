package io.gradlab.engine.nn;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gradlab.api.GradlabException;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.engine.kernel.BlasOps;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The gradient of the softmax cross-entropy, computed with one exponential per element, is the textbook formula to the bit. */
class SoftmaxCrossEntropyTest {

    @Test
    void theGradientIsSoftmaxMinusTheOneHotTargetOverTheBatchExactly() {
        Random random = new Random(4);
        for (DType dtype : DType.values()) {
            for (int cols : new int[] {10, 3, 40}) {
                int rows = 33;
                Tensor out = Tensor.zeros(dtype, rows, cols);
                Tensor target = Tensor.zeros(dtype, rows, 1);
                for (int i = 0; i < out.size(); i++) {
                    out.set(i, random.nextGaussian() * (i % 7 == 0 ? 300 : 3)); // some logits large enough to overflow exp unshifted
                }
                for (int r = 0; r < rows; r++) {
                    target.set(r, random.nextInt(cols));
                }
                Tensor grad = Tensor.zeros(dtype, rows, cols);
                SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
                loss.backward(out, target, grad);
                for (int r = 0; r < rows; r++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int c = 0; c < cols; c++) {
                        max = Math.max(max, out.get(r * cols + c));
                    }
                    double sum = 0;
                    for (int c = 0; c < cols; c++) {
                        sum += Math.exp(out.get(r * cols + c) - max);
                    }
                    for (int c = 0; c < cols; c++) {
                        double p = Math.exp(out.get(r * cols + c) - max) / sum;
                        Tensor one = Tensor.zeros(dtype, 1); // rounded as the gradient's element type rounds it
                        one.set(0, (p - (c == (int) target.get(r) ? 1 : 0)) * (1.0 / rows));
                        assertThat(grad.get(r * cols + c)).as("%s row %d col %d", dtype, r, c).isEqualTo(one.get(0));
                        assertThat(Double.isFinite(grad.get(r * cols + c))).isTrue();
                    }
                }
                assertThat(loss.forward(out, target)).isPositive().isFinite();
            }
        }
    }
    private static Tensor[] batch(Random random, DType dtype, int rows, int cols) {
        Tensor out = Tensor.zeros(dtype, rows, cols);
        Tensor target = Tensor.zeros(dtype, rows, 1);
        for (int i = 0; i < out.size(); i++) {
            out.set(i, random.nextGaussian() * (i % 11 == 0 ? 200 : 2));
        }
        for (int r = 0; r < rows; r++) {
            target.set(r, random.nextInt(cols));
        }
        return new Tensor[] {out, target};
    }

    @Test
    void aTrainingStepsLossAndGradientInOnePassAreForwardThenBackwardToTheBit() {
        Random random = new Random(9);
        for (int threads : new int[] {1, 2, 3}) {
            BlasOps ops = BlasOps.create("auto", threads);
            SoftmaxCrossEntropy fused = new SoftmaxCrossEntropy();
            for (DType dtype : DType.values()) {
                for (int rows : new int[] {512, 33, 200, 1}) {
                    Tensor[] b = batch(random, dtype, rows, 10);
                    SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
                    double expected = loss.forward(b[0], b[1]);
                    Tensor expectedGrad = Tensor.zeros(dtype, rows, 10);
                    loss.backward(b[0], b[1], expectedGrad);
                    Tensor grad = Tensor.zeros(dtype, rows, 10);
                    double actual = fused.forwardBackward(b[0], b[1], grad, ops); // one instance, batches of several sizes
                    String where = threads + " threads, " + dtype + ", " + rows + " rows";
                    assertThat(Double.doubleToRawLongBits(actual)).as(where).isEqualTo(Double.doubleToRawLongBits(expected));
                    assertThat(grad.toDoubleArray()).as(where).containsExactly(expectedGrad.toDoubleArray());
                }
            }
        }
    }

    @Test
    void aBadTargetIsNamedAsForwardNamesIt() {
        Tensor[] b = batch(new Random(2), DType.F32, 300, 10);
        b[1].set(250, 10); // no class 10
        b[1].set(260, -1);
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        String message = null;
        try {
            loss.forward(b[0], b[1]);
        } catch (GradlabException e) {
            message = e.getMessage();
        }
        assertThat(message).contains("sample 250");
        assertThatThrownBy(() -> loss.forwardBackward(b[0], b[1], Tensor.zeros(DType.F32, 300, 10), BlasOps.create("auto", 2)))
                .isInstanceOf(GradlabException.class).hasMessage(message);
    }
}
