package io.gradlab.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FloatKernelsTest {

    private static List<FloatKernels> all() {
        List<FloatKernels> list = new ArrayList<>(List.of(ScalarKernels.INSTANCE));
        if (VectorSupport.available()) {
            list.add(FloatKernels.get());
        }
        return list;
    }

    @Test
    void theTestJvmHasTheVectorKernels() {
        // surefire runs the engine's tests with --add-modules jdk.incubator.vector, so both paths are tested
        assertThat(FloatKernels.get().name()).isEqualTo("vector");
    }





    @org.junit.jupiter.params.ParameterizedTest(name = "{0} x {1}, rows [{2}, {3}), columns [{4}, {5})")
    @org.junit.jupiter.params.provider.CsvSource({"512,128,0,512,0,128", "64,128,32,64,0,128", "9,203,2,9,64,203", "3,10,0,3,0,10"})
    void fillRowsWritesTheRowIntoTheBlockAndNothingElse(int rows, int cols, int r0, int r1, int c0, int c1) {
        float[] row = new float[cols];
        for (int c = 0; c < cols; c++) {
            row[c] = c + 0.5f;
        }
        for (FloatKernels k : all()) {
            float[] m = new float[rows * cols];
            java.util.Arrays.fill(m, -1f);
            k.fillRows(m, row, cols, r0, r1, c0, c1);
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    boolean inside = r >= r0 && r < r1 && c >= c0 && c < c1;
                    assertThat(m[r * cols + c]).as("%s [%d, %d]", k.name(), r, c).isEqualTo(inside ? row[c] : -1f);
                }
            }
        }
    }

}
