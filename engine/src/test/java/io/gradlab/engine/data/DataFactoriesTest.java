package io.gradlab.engine.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gradlab.api.ComponentKind;
import io.gradlab.api.ComponentFactory;
import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import io.gradlab.api.ParamsValidator;
import io.gradlab.api.data.DataSplits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataFactoriesTest {
    @TempDir
    Path dir;

    private static DataSplits create(ComponentFactory<DataSplits> factory, Map<String, Object> raw, TestData.Context context) {
        return factory.create(ParamsValidator.validate(factory, raw, "data"), ComponentFactory.CreateContext.of("data.source", context));
    }

    private TestData.Context context(Path override) {
        return new TestData.Context(Optional.ofNullable(override), dir);
    }

    @Test
    void allListsTheThreeSourcesAsDatasets() {
        assertThat(DataFactories.all()).extracting(f -> f.id().value()).containsExactly("fashion-mnist", "idx", "csv");
        assertThat(DataFactories.all()).extracting(ComponentFactory::kind).containsOnly(ComponentKind.DATASET);
        assertThat(DataFactories.all()).allSatisfy(f -> assertThat(f.description()).isNotBlank());
    }

    @Test
    void fashionMnistEmbeddedAlwaysUsesTheSubset() {
        Path full = TestData.writeFolder(dir.resolve("full"), 20, 10, 28, 28, 10, true);
        DataSplits splits = create(DataFactories.fashionMnist(full), Map.of("subset", "embedded"), context(null));
        assertThat(splits.train().size()).isEqualTo(5000);
        // an explicit folder is never ignored silently
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> create(DataFactories.fashionMnist(full), Map.of("subset", "embedded"),
                context(full))).isInstanceOf(io.gradlab.api.GradlabException.class).hasMessageContaining("which never reads a folder");
    }

    @Test
    void fashionMnistTrainSizeAndTestSizeKeepTheFirstImages() {
        Path system = TestData.writeFolder(dir.resolve("system"), 20, 10, 28, 28, 10, true);
        DataSplits all = create(DataFactories.fashionMnist(system), Map.of(), context(null));
        DataSplits few = create(DataFactories.fashionMnist(system), Map.of("train-size", 7, "test-size", 3), context(null));
        assertThat(few.train().size()).isEqualTo(7);
        assertThat(few.test().size()).isEqualTo(3);
        assertThat(few.train().label(6)).isEqualTo(all.train().label(6));
        assertThat(few.description()).contains("limited to 7 training and 3 test images");
        // a limit above the size keeps all; a negative one is refused by the parameter's range
        assertThat(create(DataFactories.fashionMnist(system), Map.of("train-size", 1000), context(null)).train().size()).isEqualTo(20);
        assertThatThrownBy(() -> create(DataFactories.fashionMnist(system), Map.of("train-size", -1), context(null)))
                .isInstanceOf(GradlabException.class).hasMessageContaining("train-size");
    }

    @Test
    void fashionMnistAutoUsesTheSystemFolderWhenItHoldsTheData() {
        Path system = TestData.writeFolder(dir.resolve("system"), 20, 10, 28, 28, 10, true);
        DataSplits splits = create(DataFactories.fashionMnist(system), Map.of(), context(null));
        assertThat(splits.train().size()).isEqualTo(20);
    }

    @Test
    void fashionMnistAutoFallsBackToTheSubsetAndFullFails() {
        Path empty = dir.resolve("not-installed");
        ComponentFactory<DataSplits> factory = DataFactories.fashionMnist(empty);
        assertThat(create(factory, Map.of("subset", "auto"), context(null)).train().size()).isEqualTo(5000);
        assertThatThrownBy(() -> create(factory, Map.of("subset", "full"), context(null)))
                .isInstanceOf(GradlabException.class)
                .hasMessageContaining("subset: full")
                .hasMessageContaining("apt-get install dataset-fashion-mnist")
                .hasMessageContaining("--data DIR")
                .hasMessageContaining("subset: embedded");
    }

    @Test
    void dataOverrideWinsOverPathWhichWinsOverTheSystemFolder() {
        Path system = TestData.writeFolder(dir.resolve("system"), 20, 10, 28, 28, 10, true);
        TestData.writeFolder(dir.resolve("in-spec"), 30, 10, 28, 28, 10, false);
        Path override = TestData.writeFolder(dir.resolve("override"), 40, 10, 28, 28, 10, true);
        ComponentFactory<DataSplits> factory = DataFactories.fashionMnist(system);

        assertThat(create(factory, Map.of("path", "in-spec"), context(null)).train().size()).isEqualTo(30);
        assertThat(create(factory, Map.of("path", "in-spec", "subset", "full"), context(override)).train().size()).isEqualTo(40);
    }

    @Test
    void anExplicitFolderWithoutDataIsAnErrorEvenForAuto() {
        ComponentFactory<DataSplits> factory = DataFactories.fashionMnist(dir.resolve("none"));
        assertThatThrownBy(() -> create(factory, Map.of("path", "typo"), context(null)))
                .isInstanceOf(GradlabException.class)
                .hasMessageContaining(dir.resolve("typo").toString());
    }

    @Test
    void idxNeedsAFolderAndInfersClasses() {
        ComponentFactory<DataSplits> idx = DataFactories.idx();
        assertThatThrownBy(() -> create(idx, Map.of(), context(null)))
                .isInstanceOf(GradlabException.class)
                .hasMessageContaining("set path: DIR in the spec, or pass --data DIR");
        TestData.writeFolder(dir.resolve("digits"), 12, 4, 6, 6, 3, false);
        DataSplits splits = create(idx, Map.of("path", "digits"), context(null));
        assertThat(splits.train().classes()).isEqualTo(3);
        assertThat(splits.train().width()).isEqualTo(36);
        assertThat(splits.train().name()).isEqualTo("digits-train");
    }

    @Test
    void timeStepsPresentEachImageAsASequenceWithTheSameArrays() {
        Path system = TestData.writeFolder(dir.resolve("system"), 20, 10, 28, 28, 10, true);
        ComponentFactory<DataSplits> factory = DataFactories.fashionMnist(system);
        DataSplits flat = create(factory, Map.of(), context(null));
        DataSplits rows = create(factory, Map.of("time-steps", 28), context(null));
        assertThat(flat.train().timeSteps()).isEqualTo(1);
        assertThat(rows.train().timeSteps()).isEqualTo(28);
        assertThat(rows.test().timeSteps()).isEqualTo(28);
        assertThat(rows.train().width()).isEqualTo(784);
        assertThat(rows.train().features()).containsExactly(flat.train().features());
        assertThat(rows.description()).contains("28 time steps of 28 features");
        assertThatThrownBy(() -> create(factory, Map.of("time-steps", 5), context(null)))
                .isInstanceOf(GradlabException.class)
                .hasMessageContaining("time-steps 5 does not divide the 784 features")
                .hasMessageContaining("28");
        TestData.writeFolder(dir.resolve("digits"), 12, 4, 6, 6, 3, false);
        assertThat(create(DataFactories.idx(), Map.of("path", "digits", "time-steps", 6), context(null)).train().timeSteps()).isEqualTo(6);
    }

    @Test
    void csvResolvesPathsAgainstTheSpecFolderOrData() throws IOException {
        Files.writeString(dir.resolve("train.csv"), "x;y;label\n1;2;0\n3;4;1\n");
        Files.writeString(dir.resolve("test.csv"), "x;y;label\n5;6;1\n");
        ComponentFactory<DataSplits> csv = DataFactories.csv();
        DataSplits splits = create(csv, Map.of("path", "train.csv", "test-path", "test.csv", "delimiter", ";", "normalize", "minmax"), context(null));
        assertThat(splits.train().size()).isEqualTo(2);
        assertThat(splits.test().features()).containsExactly(2f, 2f);

        Path other = Files.writeString(dir.resolve("other.csv"), "x,label\n1,0\n2,1\n3,1\n");
        assertThat(create(csv, Map.of(), context(other)).train().size()).isEqualTo(3);
        assertThatThrownBy(() -> create(csv, Map.of(), context(null))).isInstanceOf(GradlabException.class).hasMessageContaining("path: FILE");
        assertThatThrownBy(() -> create(csv, Map.of("path", "train.csv", "delimiter", "ab"), context(null)))
                .isInstanceOf(GradlabException.class)
                .satisfies(e -> assertThat(((GradlabException) e).category()).isEqualTo(Category.COMPONENT))
                .hasMessageContaining("delimiter 'ab'");
    }

    @Test
    void csvBadRowReachesTheUserWithItsLineNumber() throws IOException {
        Files.writeString(dir.resolve("bad.csv"), "x,label\n1,0\n2,1\nthree,1\n");
        assertThatThrownBy(() -> create(DataFactories.csv(), Map.of("path", "bad.csv"), context(null)))
                .isInstanceOf(GradlabException.class)
                .hasMessageContaining("line 4")
                .hasMessageContaining("'three' is not a number");
    }
}
