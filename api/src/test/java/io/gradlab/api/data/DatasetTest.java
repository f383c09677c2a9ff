package io.gradlab.api.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Copying a batch whole, or in pieces at their rows, gives the same batch. */
class DatasetTest {
    @ParameterizedTest
    @EnumSource(DType.class)
    void aBatchCopiedInPiecesIsTheBatchCopiedWhole(DType dtype) {
        float[] features = new float[9 * 3];
        for (int i = 0; i < features.length; i++) {
            features[i] = i;
        }
        Dataset d = Dataset.classification("nine", features, new int[] {0, 1, 2, 0, 1, 2, 0, 1, 2}, 3, 3);
        int[] order = {8, 2, 5, 0, 7, 1, 4, 6, 3};
        Tensor x = Tensor.zeros(dtype, 5, 3);
        Tensor y = Tensor.zeros(dtype, 5, 1);
        d.copyBatch(order, 3, 5, x, y);
        Tensor px = Tensor.zeros(dtype, 5, 3);
        Tensor py = Tensor.zeros(dtype, 5, 1);
        d.copyBatch(order, 3, 2, px, py, 0);
        d.copyBatch(order, 5, 3, px, py, 2);
        assertThat(px.toDoubleArray()).isEqualTo(x.toDoubleArray());
        assertThat(py.toDoubleArray()).isEqualTo(y.toDoubleArray());
        assertThat(x.get(0, 0)).isEqualTo(0); // order[3] = sample 0
        assertThat(x.get(4, 2)).isEqualTo(6 * 3 + 2); // order[7] = sample 6
        assertThat(y.get(1, 0)).isEqualTo(1); // order[4] = sample 7, class 1
    }
}
