package io.gradlab.engine.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import io.gradlab.api.data.DataSplits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvDatasetsTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void readsFeaturesAndTheLastColumnAsLabels() throws IOException {
        Path train = write("iris.csv", "a,b,c,label\n1,2,3,0\n\n# a comment\n4, 5 ,\"6\",2\n7,8,9,1\n");
        DataSplits splits = CsvDatasets.load(train, null, CsvDatasets.Options.defaults());

        assertThat(splits.train().size()).isEqualTo(3);
        assertThat(splits.train().width()).isEqualTo(3);
        assertThat(splits.train().classes()).isEqualTo(3);
        assertThat(splits.train().features()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(splits.train().label(1)).isEqualTo(2);
        assertThat(splits.train().name()).isEqualTo("iris-train");
        assertThat(splits.test()).isNull();
    }

    @Test
    void labelColumnDelimiterAndHeaderAreConfigurable() throws IOException {
        Path train = write("t.tsv", "1\t0.5\t-2\n0\t1.5\t3e1\n");
        DataSplits splits = CsvDatasets.load(train, null, new CsvDatasets.Options(0, false, '\t', 4, CsvDatasets.Normalization.NONE));
        assertThat(splits.train().features()).containsExactly(0.5f, -2f, 1.5f, 30f);
        assertThat(splits.train().label(0)).isEqualTo(1);
        assertThat(splits.train().classes()).isEqualTo(4);
    }

    @Test
    void normalisationUsesTrainingStatisticsForBothFiles() throws IOException {
        Path train = write("train.csv", "x,y,l\n0,10,0\n10,10,1\n5,10,0\n");
        Path test = write("test.csv", "x,y,l\n20,3,1\n");
        DataSplits minmax = CsvDatasets.load(train, test, new CsvDatasets.Options(-1, true, ',', 0, CsvDatasets.Normalization.MINMAX));
        assertThat(minmax.train().features()).containsExactly(0f, 0f, 1f, 0f, 0.5f, 0f);
        assertThat(minmax.test().features()).containsExactly(2f, 0f);
        assertThat(minmax.description()).contains("minmax normalisation from the training file");

        DataSplits standard = CsvDatasets.load(train, test, new CsvDatasets.Options(-1, true, ',', 0, CsvDatasets.Normalization.STANDARD));
        float[] x = standard.train().features();
        assertThat(x[0] + x[2] + x[4]).isCloseTo(0f, within(1e-6f));
        assertThat(x[0] * x[0] + x[2] * x[2] + x[4] * x[4]).isCloseTo(3f, within(1e-5f));
        assertThat(standard.test().size()).isEqualTo(1);
    }

    @Test
    void aNonNumericValueNamesFileLineAndColumn() throws IOException {
        Path train = write("bad.csv", "a,b,label\n1,2,0\n3,oops,1\n");
        expectDataError(() -> CsvDatasets.load(train, null, CsvDatasets.Options.defaults()))
                .hasMessageContaining(train.toString())
                .hasMessageContaining("line 3")
                .hasMessageContaining("column 2: 'oops' is not a number");
    }

    @Test
    void aRowWithAnotherNumberOfColumnsIsRejected() throws IOException {
        Path train = write("ragged.csv", "a,b,label\n1,2,0\n3,4\n");
        expectDataError(() -> CsvDatasets.load(train, null, CsvDatasets.Options.defaults()))
                .hasMessageContaining("line 3: the row has 2 columns, but line 2 has 3");
    }

    @Test
    void badLabelsAreRejected() throws IOException {
        Path fractional = write("f.csv", "a,label\n1,0.5\n");
        expectDataError(() -> CsvDatasets.load(fractional, null, CsvDatasets.Options.defaults()))
                .hasMessageContaining("line 2: label column 2: '0.5' is not a class index");
        Path named = write("n.csv", "a,label\n1,cat\n");
        expectDataError(() -> CsvDatasets.load(named, null, CsvDatasets.Options.defaults())).hasMessageContaining("'cat' is not a class index");
        Path big = write("b.csv", "a,label\n1,0\n2,5\n");
        expectDataError(() -> CsvDatasets.load(big, null, new CsvDatasets.Options(-1, true, ',', 3, CsvDatasets.Normalization.NONE)))
                .hasMessageContaining("data row 2 has label 5, outside 0..2");
        Path allZero = write("z.csv", "a,label\n1,0\n2,0\n");
        expectDataError(() -> CsvDatasets.load(allZero, null, CsvDatasets.Options.defaults())).hasMessageContaining("every label is 0");
    }

    @Test
    void emptyFilesMismatchedTestFilesAndBadLabelColumnsAreRejected() throws IOException {
        Path empty = write("e.csv", "a,b,label\n");
        expectDataError(() -> CsvDatasets.load(empty, null, CsvDatasets.Options.defaults())).hasMessageContaining("has no data rows");
        Path train = write("train.csv", "a,b,label\n1,2,0\n3,4,1\n");
        Path test = write("test.csv", "a,label\n1,0\n");
        expectDataError(() -> CsvDatasets.load(train, test, CsvDatasets.Options.defaults()))
                .hasMessageContaining("the training file has 2 feature columns, the test file 1");
        expectDataError(() -> CsvDatasets.load(train, null, new CsvDatasets.Options(5, true, ',', 0, CsvDatasets.Normalization.NONE)))
                .hasMessageContaining("label-column 5 is outside the 3 columns");
        expectDataError(() -> CsvDatasets.load(dir.resolve("missing.csv"), null, CsvDatasets.Options.defaults()))
                .hasMessageContaining("missing.csv does not exist");
    }

    private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> expectDataError(Runnable action) {
        return assertThatThrownBy(action::run)
                .isInstanceOf(GradlabException.class)
                .satisfies(e -> assertThat(((GradlabException) e).category()).isEqualTo(Category.DATA));
    }
}
