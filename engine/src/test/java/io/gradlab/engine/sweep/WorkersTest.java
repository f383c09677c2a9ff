package io.gradlab.engine.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkersTest {
    @Test
    void trialsTimesBlasThreadsNeverExceedTheCores() {
        assertThat(Workers.decide(null, 8, Map.of("OPENBLAS_NUM_THREADS", "1"), "native-openblas").workers()).isEqualTo(8);
        assertThat(Workers.decide(null, 8, Map.of("OPENBLAS_NUM_THREADS", "2"), "native-openblas").workers()).isEqualTo(4);
        assertThat(Workers.decide(null, 8, Map.of("OPENBLAS_NUM_THREADS", "3"), "native-openblas").workers()).isEqualTo(2);
        assertThat(Workers.decide(null, 2, Map.of("OMP_NUM_THREADS", "1"), "native-openblas").workers()).isEqualTo(2);
        // unset: native OpenBLAS takes every core for each trial, the Java BLAS one
        assertThat(Workers.decide(null, 8, Map.of(), "native-openblas").workers()).isEqualTo(1);
        assertThat(Workers.decide(null, 8, Map.of(), "java").workers()).isEqualTo(8);
        assertThat(Workers.decide(null, 1, Map.of("OPENBLAS_NUM_THREADS", "4"), "native-openblas").workers()).isEqualTo(1);
    }

    @Test
    void aRequestAboveTheRuleIsCutDownWithANote() {
        Workers w = Workers.decide(6, 4, Map.of("OPENBLAS_NUM_THREADS", "2"), "native-openblas");
        assertThat(w.workers()).isEqualTo(2);
        assertThat(w.note()).contains("--workers 6 cut down to 2").contains("OPENBLAS_NUM_THREADS=1");
        Workers fits = Workers.decide(1, 4, Map.of("OPENBLAS_NUM_THREADS", "1"), "native-openblas");
        assertThat(fits.workers()).isEqualTo(1);
        assertThat(fits.note()).isEmpty();
        assertThatThrownBy(() -> Workers.decide(0, 4, Map.of(), "java")).hasMessageContaining("--workers must be at least 1");
    }
}
