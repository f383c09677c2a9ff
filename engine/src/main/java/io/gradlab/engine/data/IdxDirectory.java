package io.gradlab.engine.data;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import io.gradlab.api.data.DataSplits;
import io.gradlab.api.data.Dataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A folder of IDX files named the MNIST way: {@code train-images-idx3-ubyte},
 * {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte}, {@code t10k-labels-idx1-ubyte},
 * each raw or with {@code .gz}, and also with a dot before {@code idx} ({@code train-images.idx3-ubyte}).
 */
public final class IdxDirectory {
    /** The four files of an MNIST-style folder. */
    public enum Part {
        TRAIN_IMAGES("train-images-idx3-ubyte", IdxReader.IMAGE_RANK),
        TRAIN_LABELS("train-labels-idx1-ubyte", IdxReader.LABEL_RANK),
        TEST_IMAGES("t10k-images-idx3-ubyte", IdxReader.IMAGE_RANK),
        TEST_LABELS("t10k-labels-idx1-ubyte", IdxReader.LABEL_RANK);

        private final String fileName;
        private final int rank;

        Part(String fileName, int rank) {
            this.fileName = fileName;
            this.rank = rank;
        }

        /** The canonical file name, without {@code .gz}. */
        public String fileName() {
            return fileName;
        }

        /** The names accepted for this part, in order of preference. */
        public List<String> candidates() {
            String dotted = fileName.replace("-idx", ".idx");
            return List.of(fileName, fileName + ".gz", dotted, dotted + ".gz");
        }

        int rank() {
            return rank;
        }
    }

    /**
     * What the files must hold.
     *
     * @param name      the dataset name ({@code fashion-mnist}); datasets are named {@code <name>-train} and {@code <name>-test}
     * @param title     the human name for messages ({@code FashionMNIST})
     * @param rows      the required image height, or 0 for any
     * @param columns   the required image width, or 0 for any
     * @param classes   the number of classes, or 0 to infer it as the largest label + 1
     * @param needsTest whether the t10k files are required (otherwise the test split may be absent)
     * @param howToGet  what to tell the user when files are missing
     */
    public record Expectation(String name, String title, int rows, int columns, int classes, boolean needsTest, String howToGet) {
        public Expectation {
            requireNonNull(name, "name is null");
            requireNonNull(title, "title is null");
            requireNonNull(howToGet, "howToGet is null");
            if (rows < 0 || columns < 0 || classes < 0) {
                throw new IllegalArgumentException("rows, columns and classes must be >= 0");
            }
        }
    }

    private IdxDirectory() {}

    /** The files of {@code dir} that are present, by part (none when {@code dir} is not a folder). */
    public static Map<Part, Path> find(Path dir) {
        requireNonNull(dir, "dir is null");
        Map<Part, Path> found = new EnumMap<>(Part.class);
        if (!Files.isDirectory(dir)) {
            return found;
        }
        for (Part part : Part.values()) {
            for (String candidate : part.candidates()) {
                Path file = dir.resolve(candidate);
                if (Files.isRegularFile(file)) {
                    found.put(part, file);
                    break;
                }
            }
        }
        return found;
    }

    /** Whether {@code dir} holds all four files. */
    public static boolean isComplete(Path dir) {
        return find(dir).size() == Part.values().length;
    }

    /** Loads the folder, checking its files against {@code expect}. */
    public static DataSplits load(Path dir, Expectation expect) {
        requireNonNull(dir, "dir is null");
        requireNonNull(expect, "expect is null");
        if (!Files.isDirectory(dir)) {
            String what = Files.exists(dir) ? "is a file, not a folder" : "does not exist";
            throw new GradlabException(Category.DATA, expect.title() + " data folder " + dir + " " + what
                    + ". Give the folder that holds the IDX files (" + Part.TRAIN_IMAGES.fileName() + "[.gz] and the others). " + expect.howToGet());
        }
        Map<Part, Path> found = find(dir);
        List<Part> missing = new ArrayList<>();
        for (Part part : Part.values()) {
            boolean optional = !expect.needsTest() && (part == Part.TEST_IMAGES || part == Part.TEST_LABELS)
                    && !found.containsKey(Part.TEST_IMAGES) && !found.containsKey(Part.TEST_LABELS);
            if (!found.containsKey(part) && !optional) {
                missing.add(part);
            }
        }
        if (!missing.isEmpty()) {
            throw new GradlabException(Category.DATA, missingMessage(dir, expect, missing));
        }
        IdxFile trainImages = IdxReader.read(found.get(Part.TRAIN_IMAGES), IdxReader.IMAGE_RANK);
        IdxFile trainLabels = IdxReader.read(found.get(Part.TRAIN_LABELS), IdxReader.LABEL_RANK);
        IdxFile testImages = found.containsKey(Part.TEST_IMAGES) ? IdxReader.read(found.get(Part.TEST_IMAGES), IdxReader.IMAGE_RANK) : null;
        IdxFile testLabels = found.containsKey(Part.TEST_LABELS) ? IdxReader.read(found.get(Part.TEST_LABELS), IdxReader.LABEL_RANK) : null;
        return assemble(expect, trainImages, trainLabels, testImages, testLabels, dir.toString());
    }

    /**
     * Checks the four files against each other and against {@code expect} and builds the splits.
     *
     * @param testImages {@code null} together with {@code testLabels} when there is no test split
     * @param from       where the data came from, for the description
     */
    public static DataSplits assemble(Expectation expect, IdxFile trainImages, IdxFile trainLabels, IdxFile testImages, IdxFile testLabels, String from) {
        requireNonNull(expect, "expect is null");
        requireNonNull(trainImages, "trainImages is null");
        requireNonNull(trainLabels, "trainLabels is null");
        if ((testImages == null) != (testLabels == null)) {
            throw new IllegalArgumentException("test images and test labels come together");
        }
        List<IdxFile> images = testImages == null ? List.of(trainImages) : List.of(trainImages, testImages);
        for (IdxFile f : images) {
            if (f.dim(0) == 0) {
                throw new GradlabException(Category.DATA, "IDX file " + f.source() + " holds 0 images: there is nothing to "
                        + (f == trainImages ? "train" : "evaluate") + " on; give a file with at least one image (or another --data folder)");
            }
            if (f.rank() < 3 || f.dim(1) <= 0 || f.dim(2) <= 0) {
                throw new GradlabException(Category.DATA, "IDX file " + f.source() + " declares images of " + (f.rank() < 3 ? "no"
                        : f.dim(1) + "x" + f.dim(2)) + " pixels: images need at least 1x1 pixels; the file is damaged or is not an image file");
            }
            if (expect.rows() > 0) {
                IdxReader.requireImageShape(f, expect.rows(), expect.columns(), expect.title());
            }
        }
        IdxReader.requireSameCount(trainImages, trainLabels);
        if (testImages != null) {
            IdxReader.requireSameCount(testImages, testLabels);
            if (testImages.dim(1) != trainImages.dim(1) || testImages.dim(2) != trainImages.dim(2)) {
                throw new GradlabException(Category.DATA, "IDX files " + trainImages.source() + " and " + testImages.source()
                        + " do not match: training images are " + trainImages.dim(1) + "x" + trainImages.dim(2) + " but test images are "
                        + testImages.dim(1) + "x" + testImages.dim(2) + ". Both splits must come from the same dataset");
            }
        }
        int classes = expect.classes() > 0 ? expect.classes() : inferClasses(trainLabels, testLabels);
        int width = trainImages.itemSize();
        Dataset train = Dataset.classification(expect.name() + "-train", trainImages.toUnitFloats(), IdxReader.labels(trainLabels, classes), width, classes)
                .withSampleShape(1, trainImages.dim(1), trainImages.dim(2));
        Dataset test = testImages == null ? null
                : Dataset.classification(expect.name() + "-test", testImages.toUnitFloats(), IdxReader.labels(testLabels, classes), width, classes)
                        .withSampleShape(1, testImages.dim(1), testImages.dim(2));
        String description = expect.title() + " from " + from + ": " + train.size() + " training and "
                + (test == null ? "no" : String.valueOf(test.size())) + " test images of " + trainImages.dim(1) + "x" + trainImages.dim(2)
                + ", " + classes + " classes";
        return new DataSplits(train, test, description);
    }

    private static int inferClasses(IdxFile trainLabels, IdxFile testLabels) {
        int max = -1;
        for (IdxFile f : testLabels == null ? List.of(trainLabels) : List.of(trainLabels, testLabels)) {
            for (int i = 0; i < f.count(); i++) {
                max = Math.max(max, f.unsigned(i));
            }
        }
        if (max < 1) {
            throw new GradlabException(Category.DATA, "IDX file " + trainLabels.source() + ": "
                    + (max < 0 ? "there are no labels" : "every label is 0") + ", so there is nothing to classify. Check the label files");
        }
        return max + 1;
    }

    private static String missingMessage(Path dir, Expectation expect, List<Part> missing) {
        StringBuilder sb = new StringBuilder(expect.title()).append(" data not found in ").append(dir).append(": missing ");
        for (int i = 0; i < missing.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(missing.get(i).fileName()).append("[.gz]");
        }
        sb.append(" (looked for each name raw and with .gz, also spelled with '.idx' such as ")
                .append(missing.get(0).candidates().get(2)).append("). ").append(expect.howToGet());
        return sb.toString();
    }
}
