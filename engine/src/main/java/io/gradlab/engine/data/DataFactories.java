package io.gradlab.engine.data;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import io.gradlab.api.ParameterSpec;
import io.gradlab.api.Params;
import io.gradlab.api.data.DataContext;
import io.gradlab.api.data.DataSplits;
import io.gradlab.api.data.Dataset;
import io.gradlab.engine.io.Messages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in dataset sources: {@code fashion-mnist}, {@code idx} and {@code csv}. The engine's
 * built-in plugin registers {@link #all()}.
 */
public final class DataFactories {
    private static final Logger LOG = LoggerFactory.getLogger(DataFactories.class);

    private DataFactories() {}

    /** The built-in dataset factories. */
    public static List<ComponentFactory<DataSplits>> all() {
        return List.of(fashionMnist(FashionMnist.SYSTEM_DIR), idx(), csv());
    }

    /**
     * {@code fashion-mnist}: the full data from {@code --data}, else from {@code path}, else from
     * {@code systemDir}; {@code subset: auto} falls back to the embedded subset when none of them
     * holds it, {@code subset: full} fails, {@code subset: embedded} always uses the subset.
     */
    static ComponentFactory<DataSplits> fashionMnist(Path systemDir) {
        requireNonNull(systemDir, "systemDir is null");
        return ComponentFactory.of(ComponentKind.DATASET, "fashion-mnist",
                "FashionMNIST clothing images (28x28, 10 classes): the full 60000/10000 from --data, path or " + systemDir
                        + ", else the embedded 5000/1000 subset",
                List.of(
                        ParameterSpec.choice("subset", "auto", List.of("auto", "embedded", "full"),
                                "auto: the full data when installed, else the embedded subset; full: fail without the full data; embedded: the shipped subset"),
                        ParameterSpec.string("path", null, "a folder with the four IDX files (relative to the spec's folder); --data overrides it"),
                        ParameterSpec.integer("train-size", 0, "train on the first N training images only (0: all of them)").range(0, 1_000_000_000),
                        ParameterSpec.integer("test-size", 0, "evaluate on the first N test images only (0: all of them)").range(0, 1_000_000_000),
                        timeSteps()),
                (params, context) -> withTimeSteps(limited(loadFashionMnist(params, context.data(), systemDir), params.getInt("train-size"),
                        params.getInt("test-size")), params.getInt("time-steps"), "fashion-mnist"));
    }

    /** The first {@code train} training and {@code test} test samples of {@code splits} (0: all of them). */
    static DataSplits limited(DataSplits splits, int train, int test) {
        if (train == 0 && test == 0) {
            return splits;
        }
        Dataset tr = train == 0 ? splits.train() : Splits.limit(splits.train(), train);
        Dataset te = splits.test() == null || test == 0 ? splits.test() : Splits.limit(splits.test(), test);
        return new DataSplits(tr, te, splits.description() + ", limited to " + tr.size() + " training"
                + (te == null ? "" : " and " + te.size() + " test") + " images");
    }

    private static DataSplits loadFashionMnist(Params params, DataContext context, Path systemDir) {
        String subset = params.getString("subset");
        if (subset.equals("embedded")) {
            if (context.dataDirOverride().isPresent()) {
                throw new GradlabException(Category.USAGE, "--data " + Messages.quote(context.dataDirOverride().get()) + " was given, but the"
                        + " spec's data source is fashion-mnist with subset: embedded, which never reads a folder: drop --data to train on"
                        + " the embedded subset, or --set data.source.subset=full to train on the folder");
            }
            return FashionMnist.embedded();
        }
        Optional<Path> explicit = explicitDir(params, context);
        if (explicit.isPresent()) {
            return FashionMnist.load(explicit.get());
        }
        if (!IdxDirectory.find(systemDir).isEmpty()) {
            return FashionMnist.load(systemDir);
        }
        if (subset.equals("full")) {
            throw new GradlabException(Category.DATA, "dataset 'fashion-mnist' with subset: full needs the full FashionMNIST, but " + systemDir
                    + " does not hold it and neither path nor --data was given. " + FashionMnist.HOW_TO_GET);
        }
        LOG.info("FashionMNIST is not installed in {}: using the embedded subset (5000 training, 1000 test images);"
                + " apt-get install dataset-fashion-mnist or --data DIR gives the full 60000/10000", systemDir);
        return FashionMnist.embedded();
    }

    /** {@code idx}: any folder of MNIST-style IDX files. */
    static ComponentFactory<DataSplits> idx() {
        return ComponentFactory.of(ComponentKind.DATASET, "idx",
                "any folder of MNIST-style IDX files (train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], optional t10k-*)",
                List.of(
                        ParameterSpec.string("path", null, "the folder with the IDX files (relative to the spec's folder); --data overrides it"),
                        ParameterSpec.integer("classes", 0, "the number of classes; 0 infers it as the largest label + 1").range(0, 256),
                        timeSteps()),
                (params, context) -> withTimeSteps(loadIdx(params, context.data()), params.getInt("time-steps"), "idx"));
    }

    private static DataSplits loadIdx(Params params, DataContext context) {
        Path dir = explicitDir(params, context).orElseThrow(() -> new GradlabException(Category.COMPONENT,
                "dataset 'idx' needs a folder of IDX files: set path: DIR in the spec, or pass --data DIR"));
        String name = dir.getFileName() == null ? "idx" : dir.getFileName().toString();
        IdxDirectory.Expectation expect = new IdxDirectory.Expectation(name, "IDX data", 0, 0, params.getInt("classes"), false,
                "Put the IDX files in that folder (raw or .gz), or point path or --data to the folder that holds them");
        return IdxDirectory.load(dir, expect);
    }

    /** {@code csv}: numeric CSV files with a class-index column. */
    static ComponentFactory<DataSplits> csv() {
        return ComponentFactory.of(ComponentKind.DATASET, "csv",
                "numeric CSV files, one sample per line, one column of class indices",
                List.of(
                        ParameterSpec.string("path", null, "the training CSV file (relative to the spec's folder, or to --data when that is a folder;"
                                + " --data naming a file replaces it); required unless --data names the file"),
                        ParameterSpec.integer("label-column", -1, "the 0-based index of the column of class indices; negative counts from the end (-1: the last)"),
                        ParameterSpec.bool("header", true, "whether the first line is a header to skip"),
                        ParameterSpec.string("delimiter", ",", "the column separator: one character, or 'tab'"),
                        ParameterSpec.string("test-path", null, "an optional test CSV file with the same columns"),
                        ParameterSpec.integer("classes", 0, "the number of classes; 0 infers it as the largest label + 1").range(0, 1_000_000),
                        ParameterSpec.choice("normalize", "none", List.of("none", "minmax", "standard"),
                                "rescale each feature column by statistics of the training file: minmax to [0, 1], standard to mean 0 and deviation 1")),
                (params, context) -> loadCsv(params, context.data()));
    }

    private static DataSplits loadCsv(Params params, DataContext context) {
        Path base = context.specDir();
        Path train = null;
        Optional<Path> override = context.dataDirOverride();
        if (override.isPresent() && Files.isRegularFile(override.get())) {
            train = override.get();
        } else if (override.isPresent()) {
            base = override.get();
        }
        if (train == null) {
            if (!params.has("path")) {
                throw new GradlabException(Category.COMPONENT, "dataset 'csv' needs a CSV file: set path: FILE in the spec, or pass --data FILE");
            }
            train = base.resolve(params.getString("path"));
        }
        Path test = params.has("test-path") ? base.resolve(params.getString("test-path")) : null;
        CsvDatasets.Options options = new CsvDatasets.Options(params.getInt("label-column"), params.getBoolean("header"),
                delimiter(params.getString("delimiter")), params.getInt("classes"), CsvDatasets.Normalization.of(params.getString("normalize")));
        return CsvDatasets.load(train, test, options);
    }

    private static char delimiter(String text) {
        if (text.equals("tab") || text.equals("\\t") || text.equals("\t")) {
            return '\t';
        }
        if (text.length() != 1 || "\".-+0123456789eE\r\n".indexOf(text.charAt(0)) >= 0) {
            throw new GradlabException(Category.COMPONENT, "dataset 'csv': delimiter '" + text
                    + "' cannot separate numbers; use one character such as ',' ';' '|' or a space, or 'tab'");
        }
        return text.charAt(0);
    }

    private static ParameterSpec timeSteps() {
        return ParameterSpec.integer("time-steps", 1, "present each image as this many time steps of width/time-steps pixels"
                + " (28: one image row per step, for recurrent nets); must divide the image size").range(1, 1_000_000);
    }

    /** The same data presented as {@code steps} time steps per sample (the arrays are shared, not copied). */
    static DataSplits withTimeSteps(DataSplits splits, int steps, String id) {
        if (steps == 1) {
            return splits;
        }
        int width = splits.train().width();
        if (width % steps != 0) {
            StringBuilder divisors = new StringBuilder();
            for (int d = 1; d <= width; d++) {
                if (width % d == 0) {
                    divisors.append(divisors.length() == 0 ? "" : ", ").append(d);
                }
            }
            throw new GradlabException(Category.COMPONENT, "dataset '" + id + "': time-steps " + steps + " does not divide the "
                    + width + " features of each sample; use one of " + divisors);
        }
        Dataset test = splits.test() == null ? null : withTimeSteps(splits.test(), steps);
        return new DataSplits(withTimeSteps(splits.train(), steps), test, splits.description() + ", presented as " + steps
                + " time steps of " + width / steps + " features");
    }

    private static Dataset withTimeSteps(Dataset d, int steps) {
        return new Dataset(d.name(), d.features(), d.targets(), d.size(), d.width(), d.targetWidth(), d.classes(), steps);
    }

    /** {@code --data} when given, else the {@code path} parameter resolved against the spec's folder. */
    private static Optional<Path> explicitDir(Params params, DataContext context) {
        Optional<Path> override = context.dataDirOverride();
        if (override.isPresent()) {
            return override;
        }
        return params.has("path") ? Optional.of(context.specDir().resolve(params.getString("path"))) : Optional.empty();
    }
}
