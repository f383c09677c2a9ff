package io.gradlab.engine.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradlab.api.data.Dataset;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.engine.kernel.BlasOps;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The batches copied ahead in the background are the batches a plain copy gives, in order. */
class BatchPipelineTest {
    private static Dataset data(int size, int width) {
        float[] features = new float[size * width];
        int[] labels = new int[size];
        for (int i = 0; i < features.length; i++) {
            features[i] = i * 0.5f;
        }
        for (int i = 0; i < size; i++) {
            labels[i] = i % 10;
        }
        return Dataset.classification("numbers", features, labels, width, 10);
    }

    @ParameterizedTest(name = "{0} threads, {1}")
    @CsvSource({"1,F32", "2,F32", "3,F32", "2,F64"})
    void everyBatchMatchesThePlainCopy(int threads, DType dtype) {
        Dataset d = data(203, 37);
        int[] order = new int[d.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = (i * 71) % order.length; // a permutation: 71 and 203 are coprime
        }
        int batch = 16;
        BatchPipeline pipeline = new BatchPipeline(dtype, BlasOps.create("auto", threads));
        Tensor x = Tensor.zeros(dtype, batch, d.width());
        Tensor y = Tensor.zeros(dtype, batch, 1);
        int steps = (d.size() + batch - 1) / batch;
        pipeline.start(d, order, 0, batch);
        for (int b = 0; b < steps; b++) {
            int from = b * batch;
            int count = Math.min(batch, d.size() - from);
            pipeline.await();
            Tensor px = pipeline.x();
            Tensor py = pipeline.y();
            if (b + 1 < steps) {
                pipeline.start(d, order, from + count, Math.min(batch, d.size() - from - count));
            }
            Tensor ex = count == batch ? x : Tensor.zeros(dtype, count, d.width());
            Tensor ey = count == batch ? y : Tensor.zeros(dtype, count, 1);
            d.copyBatch(order, from, count, ex, ey);
            assertThat(px.shape()).isEqualTo(ex.shape());
            assertThat(px.toDoubleArray()).as("batch %d inputs", b).isEqualTo(ex.toDoubleArray());
            assertThat(py.toDoubleArray()).as("batch %d targets", b).isEqualTo(ey.toDoubleArray());
            // the next batch goes to the other buffers: this one stays intact while it trains
            if (b + 1 < steps) {
                assertThat(pipeline.x()).isNotSameAs(px);
            }
        }
        pipeline.finish();
    }
}
