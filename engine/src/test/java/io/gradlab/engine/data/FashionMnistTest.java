package io.gradlab.engine.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import io.gradlab.api.data.DataSplits;
import io.gradlab.api.data.Dataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {
    @TempDir
    Path dir;

    @Test
    void embeddedSubsetIsStratified500And100PerClass() {
        DataSplits splits = FashionMnist.embedded();
        Dataset train = splits.train();
        Dataset test = splits.test();

        assertThat(train.size()).isEqualTo(5000);
        assertThat(test.size()).isEqualTo(1000);
        assertThat(train.width()).isEqualTo(784);
        assertThat(test.width()).isEqualTo(784);
        assertThat(train.classes()).isEqualTo(10);
        assertThat(perClass(train)).containsOnly(500);
        assertThat(perClass(test)).containsOnly(100);
        assertUnitRange(train);
        assertUnitRange(test);
        assertThat(splits.description()).contains("embedded subset").contains("5000 training").contains("1000 test");
    }

    @Test
    void embeddedSubsetShipsItsLicence() throws Exception {
        try (var in = FashionMnist.class.getResourceAsStream("/" + FashionMnist.EMBEDDED_RESOURCE_DIR + "LICENSE.txt")) {
            assertThat(in).isNotNull();
            String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(text).contains("MIT").contains("Copyright (c) 2017 Zalando SE").contains("zalandoresearch/fashion-mnist");
        }
    }

    @Test
    void loadsAFolderOfGzipOrRawFilesWithPixelsScaledBy255() {
        for (boolean gzip : new boolean[] {true, false}) {
            Path folder = TestData.writeFolder(dir.resolve(gzip ? "gz" : "raw"), 30, 10, 28, 28, 10, gzip);
            DataSplits splits = FashionMnist.load(folder);
            IdxFile expected = TestData.images(30, 28, 28, 1);

            assertThat(splits.train().size()).isEqualTo(30);
            assertThat(splits.test().size()).isEqualTo(10);
            assertThat(splits.train().features()[100]).isEqualTo((expected.data()[100] & 0xFF) / 255f);
            assertThat(splits.train().label(13)).isEqualTo(3);
            assertThat(splits.train().name()).isEqualTo("fashion-mnist-train");
            assertThat(splits.description()).contains(folder.toString()).contains("30 training and 10 test");
        }
    }

    @Test
    void acceptsTheDottedFileNames() throws Exception {
        Path folder = TestData.writeFolder(dir, 20, 10, 28, 28, 10, true);
        Files.move(folder.resolve("train-images-idx3-ubyte.gz"), folder.resolve("train-images.idx3-ubyte.gz"));
        Files.move(folder.resolve("t10k-labels-idx1-ubyte.gz"), folder.resolve("t10k-labels.idx1-ubyte"));
        assertThat(FashionMnist.isPresent(folder)).isTrue();
        assertThat(FashionMnist.load(folder).train().size()).isEqualTo(20);
    }

    @Test
    void missingFilesAreListedWithHowToGetTheData() throws Exception {
        Path folder = TestData.writeFolder(dir, 20, 10, 28, 28, 10, true);
        Files.delete(folder.resolve("t10k-labels-idx1-ubyte.gz"));
        assertThat(FashionMnist.isPresent(folder)).isFalse();
        expectDataError(() -> FashionMnist.load(folder))
                .hasMessageContaining(folder.toString())
                .hasMessageContaining("missing t10k-labels-idx1-ubyte[.gz]")
                .hasMessageNotContaining("missing train")
                .hasMessageContaining("apt-get install dataset-fashion-mnist")
                .hasMessageContaining("--data DIR");
        expectDataError(() -> FashionMnist.load(dir.resolve("nowhere")))
                .hasMessageContaining("nowhere does not exist")
                .hasMessageContaining("apt-get install dataset-fashion-mnist");
    }

    @Test
    void aLabelFileOfAnotherLengthNamesBothFiles() {
        Path folder = TestData.writeFolder(dir, 20, 10, 28, 28, 10, false);
        IdxWriter.write(folder.resolve("t10k-labels-idx1-ubyte"), TestData.labels(12, 10), false);
        expectDataError(() -> FashionMnist.load(folder))
                .hasMessageContaining("t10k-images-idx3-ubyte")
                .hasMessageContaining("t10k-labels-idx1-ubyte")
                .hasMessageContaining("10 images but 12 labels");
    }

    @Test
    void imagesOfAnotherSizeAreRejected() {
        Path folder = TestData.writeFolder(dir, 20, 10, 32, 32, 10, true);
        expectDataError(() -> FashionMnist.load(folder))
                .hasMessageContaining("train-images-idx3-ubyte.gz")
                .hasMessageContaining("20x32x32")
                .hasMessageContaining("28x28")
                .hasMessageContaining("'idx' dataset");
    }

    @Test
    void labelsBeyondTheTenClassesAreRejected() {
        Path folder = TestData.writeFolder(dir, 20, 10, 28, 28, 11, true);
        expectDataError(() -> FashionMnist.load(folder))
                .hasMessageContaining("train-labels-idx1-ubyte.gz")
                .hasMessageContaining("label 10 of item 10 is outside 0..9");
    }

    @Test
    void aGenericIdxFolderInfersClassesAndMayLackATestSplit() throws Exception {
        Path folder = TestData.writeFolder(dir, 24, 6, 5, 7, 4, false);
        IdxDirectory.Expectation any = new IdxDirectory.Expectation("toy", "toy data", 0, 0, 0, false, "make it");
        DataSplits splits = IdxDirectory.load(folder, any);
        assertThat(splits.train().width()).isEqualTo(35);
        assertThat(splits.train().classes()).isEqualTo(4);
        assertThat(splits.test().size()).isEqualTo(6);

        Files.delete(folder.resolve("t10k-images-idx3-ubyte"));
        expectDataError(() -> IdxDirectory.load(folder, any)).hasMessageContaining("missing t10k-images-idx3-ubyte[.gz]");
        Files.delete(folder.resolve("t10k-labels-idx1-ubyte"));
        assertThat(IdxDirectory.load(folder, any).test()).isNull();

        IdxWriter.write(folder.resolve("t10k-images-idx3-ubyte"), TestData.images(6, 7, 5, 3), false);
        IdxWriter.write(folder.resolve("t10k-labels-idx1-ubyte"), TestData.labels(6, 4), false);
        expectDataError(() -> IdxDirectory.load(folder, any)).hasMessageContaining("training images are 5x7 but test images are 7x5");
    }

    /** The one test that needs the installed data (Debian's dataset-fashion-mnist). */
    @Test
    void systemFashionMnistIsComplete() {
        Assumptions.assumeTrue(Files.isDirectory(FashionMnist.SYSTEM_DIR), "FashionMNIST is not installed in " + FashionMnist.SYSTEM_DIR);
        DataSplits full = FashionMnist.load(FashionMnist.SYSTEM_DIR);

        assertThat(full.train().size()).isEqualTo(60000);
        assertThat(full.test().size()).isEqualTo(10000);
        assertThat(full.train().width()).isEqualTo(784);
        assertThat(perClass(full.train())).containsOnly(6000);
        assertThat(perClass(full.test())).containsOnly(1000);
        assertUnitRange(full.test());

        // the embedded subset is the first 500 (100) images of each class in file order
        DataSplits subset = FashionMnist.embedded();
        assertFirstPerClass(subset.train(), full.train(), 500);
        assertFirstPerClass(subset.test(), full.test(), 100);
    }

    private static void assertFirstPerClass(Dataset subset, Dataset full, int perClass) {
        int[] expected = MakeEmbeddedSubset.firstPerClass(labels(full), 10, perClass);
        Dataset picked = full.subset("picked", expected);
        assertThat(subset.targets()).isEqualTo(picked.targets());
        assertThat(subset.features()).isEqualTo(picked.features());
    }

    private static int[] labels(Dataset d) {
        int[] out = new int[d.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = d.label(i);
        }
        return out;
    }

    static int[] perClass(Dataset d) {
        int[] counts = new int[d.classes()];
        for (int i = 0; i < d.size(); i++) {
            counts[d.label(i)]++;
        }
        return counts;
    }

    private static void assertUnitRange(Dataset d) {
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (float v : d.features()) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertThat(min).isEqualTo(0f);
        assertThat(max).isEqualTo(1f);
        assertThat(Arrays.stream(labels(d)).max().orElseThrow()).isEqualTo(9);
    }

    private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> expectDataError(Runnable action) {
        return assertThatThrownBy(action::run)
                .isInstanceOf(GradlabException.class)
                .satisfies(e -> assertThat(((GradlabException) e).category()).isEqualTo(Category.DATA));
    }
}
