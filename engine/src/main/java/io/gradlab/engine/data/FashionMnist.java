package io.gradlab.engine.data;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import io.gradlab.api.data.DataSplits;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * FashionMNIST (Zalando Research, MIT licence): 28x28 grey-scale images of clothing in 10 classes,
 * 60000 for training and 10000 for testing. Pixels are scaled to {@code [0, 1]}; labels are the
 * class indices {@code 0..9} (see {@link #CLASS_NAMES}).
 *
 * <p>{@link #load(Path)} reads a folder of the four IDX files (Debian's {@code dataset-fashion-mnist}
 * installs them in {@link #SYSTEM_DIR}); {@link #embedded()} reads the stratified subset shipped in
 * the engine jar (500 training and 100 test images per class), so that demos run offline.
 */
public final class FashionMnist {
    /** Where Debian's {@code dataset-fashion-mnist} package installs the data. */
    public static final Path SYSTEM_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    public static final int ROWS = 28;
    public static final int COLUMNS = 28;
    public static final int CLASSES = 10;
    /** The class names, by label. */
    public static final List<String> CLASS_NAMES = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    /** The classpath folder of the embedded subset (gzipped IDX files and their licence). */
    public static final String EMBEDDED_RESOURCE_DIR = "io/gradlab/engine/data/fashion-mnist-subset/";
    /** Training images per class in the embedded subset. */
    public static final int EMBEDDED_TRAIN_PER_CLASS = 500;
    /** Test images per class in the embedded subset. */
    public static final int EMBEDDED_TEST_PER_CLASS = 100;
    /** How to get the full data, for messages. */
    public static final String HOW_TO_GET = "To get FashionMNIST: apt-get install dataset-fashion-mnist (installs it in " + SYSTEM_DIR
            + "), or pass --data DIR with a folder holding the four IDX files, or use the embedded subset (subset: embedded)";

    private static final IdxDirectory.Expectation FULL = new IdxDirectory.Expectation(
            "fashion-mnist", "FashionMNIST", ROWS, COLUMNS, CLASSES, true, HOW_TO_GET);
    private static final IdxDirectory.Expectation SUBSET = new IdxDirectory.Expectation(
            "fashion-mnist-subset", "FashionMNIST embedded subset", ROWS, COLUMNS, CLASSES, true, HOW_TO_GET);

    private FashionMnist() {}

    /** Loads the four IDX files of {@code dir}; a missing or corrupt file is a {@link GradlabException} of category DATA. */
    public static DataSplits load(Path dir) {
        requireNonNull(dir, "dir is null");
        return IdxDirectory.load(dir, FULL);
    }

    /** Whether {@code dir} holds the four FashionMNIST files (it does not read them). */
    public static boolean isPresent(Path dir) {
        return IdxDirectory.isComplete(dir);
    }

    /** The stratified subset shipped in the engine jar: 5000 training and 1000 test images. */
    public static DataSplits embedded() {
        IdxFile trainImages = resource(IdxDirectory.Part.TRAIN_IMAGES);
        IdxFile trainLabels = resource(IdxDirectory.Part.TRAIN_LABELS);
        IdxFile testImages = resource(IdxDirectory.Part.TEST_IMAGES);
        IdxFile testLabels = resource(IdxDirectory.Part.TEST_LABELS);
        DataSplits splits = IdxDirectory.assemble(SUBSET, trainImages, trainLabels, testImages, testLabels, "classpath:" + EMBEDDED_RESOURCE_DIR);
        return new DataSplits(splits.train(), splits.test(), "FashionMNIST embedded subset (" + EMBEDDED_TRAIN_PER_CLASS + " training and "
                + EMBEDDED_TEST_PER_CLASS + " test images per class): " + splits.train().size() + " training and " + splits.test().size()
                + " test images of 28x28, 10 classes");
    }

    private static IdxFile resource(IdxDirectory.Part part) {
        String name = EMBEDDED_RESOURCE_DIR + part.fileName() + ".gz";
        try (InputStream in = FashionMnist.class.getResourceAsStream("/" + name)) {
            if (in == null) {
                throw new GradlabException(Category.INTERNAL, "the embedded FashionMNIST subset is missing from the classpath (resource " + name
                        + "): the gradlab engine jar is incomplete. Rebuild it, or use the full data: " + HOW_TO_GET);
            }
            return IdxReader.read(in, "classpath:" + name, part.rank());
        } catch (IOException e) {
            throw new GradlabException(Category.IO, "cannot read the embedded FashionMNIST resource " + name + ": " + e.getMessage(), e);
        }
    }
}
