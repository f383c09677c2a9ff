package io.gradlab.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Background jobs: every chunk runs exactly once, split tasks still run in between, failures surface. */
class BackgroundJobTest {
    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {1, 2, 4})
    void everyChunkRunsOnceWhileSplitTasksKeepRunning(int threads) {
        BlasOps ops = BlasOps.create("auto", threads);
        Tensor a = Tensor.zeros(DType.F32, 256, 256);
        Tensor c = Tensor.zeros(DType.F32, 256, 256);
        for (int i = 0; i < a.size(); i++) {
            a.set(i, (i % 7) - 3);
        }
        Tensor expected = Tensor.zeros(DType.F32, 256, 256);
        BlasOps.create("auto", 1).gemm(false, true, 1, a, a, 0, expected);
        for (int round = 0; round < 20; round++) {
            int chunks = 1 + round * 37;
            AtomicIntegerArray runs = new AtomicIntegerArray(chunks);
            ops.runInBackground(chunk -> {
                runs.incrementAndGet(chunk);
                Thread.onSpinWait();
            }, chunks);
            ops.gemm(false, true, 1, a, a, 0, c); // split tasks interleave with the job's chunks
            ops.awaitBackground();
            int[] counts = new int[chunks];
            for (int i = 0; i < chunks; i++) {
                counts[i] = runs.get(i);
            }
            int[] once = new int[chunks];
            java.util.Arrays.fill(once, 1);
            assertThat(counts).as("round %d: runs per chunk", round).isEqualTo(once);
            assertThat(c.floats()).isEqualTo(expected.floats());
        }
    }

    @Test
    void postingAJobFinishesThePreviousOne() {
        BlasOps ops = BlasOps.create("auto", 2);
        AtomicIntegerArray first = new AtomicIntegerArray(50);
        ops.runInBackground(first::incrementAndGet, 50);
        ops.runInBackground(chunk -> { }, 3);
        for (int i = 0; i < 50; i++) {
            assertThat(first.get(i)).isEqualTo(1);
        }
        ops.awaitBackground();
        ops.awaitBackground(); // nothing posted: returns at once
    }

    @Test
    void aFailingChunkIsRethrownByAwait() {
        BlasOps ops = BlasOps.create("auto", 2);
        ops.runInBackground(chunk -> {
            if (chunk == 5) {
                throw new IllegalStateException("chunk five broke");
            }
        }, 10);
        assertThatThrownBy(ops::awaitBackground).isInstanceOf(IllegalStateException.class).hasMessage("chunk five broke");
        ops.awaitBackground(); // the failure is reported once
    }

    @Test
    void chunkCountsOutsideTheRangeAreRejected() {
        BlasOps ops = BlasOps.create("auto", 2);
        assertThatThrownBy(() -> ops.runInBackground(chunk -> { }, 70_000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ops.runInBackground(chunk -> { }, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
