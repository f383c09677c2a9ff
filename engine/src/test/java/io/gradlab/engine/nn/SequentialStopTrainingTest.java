package io.gradlab.engine.nn;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gradlab.api.GradlabException;
import io.gradlab.api.diag.Diagnostic;
import io.gradlab.api.diag.Finding;
import io.gradlab.api.diag.Severity;
import io.gradlab.api.nn.AbstractLayer;
import io.gradlab.api.nn.BuildContext;
import io.gradlab.api.nn.Initializer;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.engine.kernel.BlasOps;
import io.gradlab.api.tensor.SeededRandom;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** A diagnostic's stop signal thrown inside a layer reaches the runner unchanged; other errors get the layer's place. */
class SequentialStopTrainingTest {
    private static final class Throwing extends AbstractLayer {
        private final Supplier<RuntimeException> error;

        Throwing(Supplier<RuntimeException> error) {
            super("bad", "throwing");
            this.error = error;
        }

        @Override
        protected int onBuild(int inputWidth, BuildContext ctx) {
            return inputWidth;
        }

        @Override
        protected void updateOutput(Tensor input, Tensor output, Mode mode) {
            throw error.get();
        }

        @Override
        protected void updateGradInput(Tensor input, Tensor gradOutput, Tensor gradInput) {}
    }

    private static Sequential model(Supplier<RuntimeException> error) {
        Sequential s = new Sequential("net", List.of(new Throwing(error)));
        Initializer zeros = (w, fan, r) -> w.fill(0);
        s.build(2, new DefaultBuildContext(DType.F32, new BlasOps(), new SeededRandom(1), zeros, null));
        return s;
    }

    @Test
    void stopTrainingPassesThroughUnchanged() {
        Diagnostic.StopTraining stop = new Diagnostic.StopTraining(new Finding(Severity.CRITICAL, "nan", "h became NaN at step 3", "bad", Map.of(), List.of()));
        assertThatThrownBy(() -> model(() -> stop).forward(Tensor.zeros(DType.F32, 1, 2), Mode.TRAIN)).isSameAs(stop);
    }

    @Test
    void otherErrorsSayWhereTheyHappened() {
        assertThatThrownBy(() -> model(() -> new GradlabException(GradlabException.Category.SPEC, "boom")).forward(Tensor.zeros(DType.F32, 1, 2), Mode.TRAIN))
                .isInstanceOf(GradlabException.class).hasMessage("in layer 1 'bad' (throwing) of 'net', forward: boom");
    }
}
