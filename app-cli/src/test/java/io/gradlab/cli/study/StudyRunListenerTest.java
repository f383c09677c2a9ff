package io.gradlab.cli.study;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradlab.api.GradlabException;
import io.gradlab.engine.train.DivergenceException;
import io.gradlab.engine.train.TrainingListener;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class StudyRunListenerTest {
    @Test
    void aDivergenceIsDivergedANumericStopIsStoppedAnythingElseFailed() {
        assertThat(StudyRunListener.failureStatus(new DivergenceException("loss NaN", 1, 3))).isEqualTo("diverged");
        assertThat(StudyRunListener.failureStatus(new GradlabException(GradlabException.Category.NUMERIC, "gradient NaN")))
                .isEqualTo("stopped");
        assertThat(StudyRunListener.failureStatus(new GradlabException(GradlabException.Category.IO, "disk full"))).isEqualTo("failed");
    }

    @Test
    void keepsTheRunFolderAndNoEpochsBeforeTraining() {
        StudyRunListener listener = new StudyRunListener(m -> {});
        assertThat(listener.runDir()).isNull();
        listener.onStart(new TrainingListener.RunInfo("r", Path.of("runs", "r"), 2, 10, 100, "cpu", "data"));
        assertThat(listener.runDir()).isEqualTo(Path.of("runs", "r"));
        assertThat(listener.history()).isEmpty();
    }
}
