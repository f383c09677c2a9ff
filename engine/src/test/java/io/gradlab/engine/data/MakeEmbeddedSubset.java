package io.gradlab.engine.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Generates the embedded FashionMNIST subset shipped in the engine jar: from each split of the
 * full FashionMNIST, the first {@code perClass} images of every class in file order (500 per class
 * from the training file, 100 per class from the test file), written as gzipped IDX files (level 9,
 * no timestamp, so the output is byte-for-byte reproducible). Not a test: Surefire only runs *Test
 * classes.
 *
 * <p>To re-run it from the repository root (needs {@code apt-get install dataset-fashion-mnist}):
 *
 * <pre>
 * mvn -B -o -pl engine -am test-compile
 * java -cp api/target/classes:engine/target/classes:engine/target/test-classes \
 *     io.gradlab.engine.data.MakeEmbeddedSubset /usr/share/datasets/fashion-mnist \
 *     engine/src/main/resources/io/gradlab/engine/data/fashion-mnist-subset
 * </pre>
 */
public final class MakeEmbeddedSubset {
    private MakeEmbeddedSubset() {}

    public static void main(String[] args) throws Exception {
        Path source = args.length > 0 ? Path.of(args[0]) : FashionMnist.SYSTEM_DIR;
        Path target = args.length > 1 ? Path.of(args[1])
                : Path.of("engine/src/main/resources").resolve(FashionMnist.EMBEDDED_RESOURCE_DIR);
        Files.createDirectories(target);
        Map<IdxDirectory.Part, Path> files = IdxDirectory.find(source);
        if (files.size() != IdxDirectory.Part.values().length) {
            throw new IllegalStateException("FashionMNIST not found in " + source + " (found " + files.keySet() + ")");
        }
        subset(files.get(IdxDirectory.Part.TRAIN_IMAGES), files.get(IdxDirectory.Part.TRAIN_LABELS),
                FashionMnist.EMBEDDED_TRAIN_PER_CLASS, target, "train");
        subset(files.get(IdxDirectory.Part.TEST_IMAGES), files.get(IdxDirectory.Part.TEST_LABELS),
                FashionMnist.EMBEDDED_TEST_PER_CLASS, target, "t10k");
    }

    private static void subset(Path imagesFile, Path labelsFile, int perClass, Path target, String prefix) {
        IdxFile images = IdxReader.readImages(imagesFile);
        IdxFile labels = IdxReader.readLabels(labelsFile);
        IdxReader.requireSameCount(images, labels);
        int[] chosen = firstPerClass(IdxReader.labels(labels, FashionMnist.CLASSES), FashionMnist.CLASSES, perClass);
        int item = images.itemSize();
        byte[] pixels = new byte[chosen.length * item];
        byte[] classes = new byte[chosen.length];
        for (int i = 0; i < chosen.length; i++) {
            System.arraycopy(images.data(), chosen[i] * item, pixels, i * item, item);
            classes[i] = labels.data()[chosen[i]];
        }
        Path imagesOut = target.resolve(prefix + "-images-idx3-ubyte.gz");
        Path labelsOut = target.resolve(prefix + "-labels-idx1-ubyte.gz");
        IdxWriter.write(imagesOut, new IdxFile(imagesOut.toString(), new int[] {chosen.length, images.dim(1), images.dim(2)}, pixels), true);
        IdxWriter.write(labelsOut, new IdxFile(labelsOut.toString(), new int[] {chosen.length}, classes), true);
        System.out.println("wrote " + imagesOut + " and " + labelsOut + ": " + chosen.length + " images");
    }

    /** The indices of the first {@code perClass} samples of each class, in file order. */
    static int[] firstPerClass(int[] labels, int classes, int perClass) {
        int[] taken = new int[classes];
        int[] chosen = new int[classes * perClass];
        int n = 0;
        for (int i = 0; i < labels.length && n < chosen.length; i++) {
            if (taken[labels[i]] < perClass) {
                taken[labels[i]]++;
                chosen[n++] = i;
            }
        }
        if (n < chosen.length) {
            throw new IllegalStateException("fewer than " + perClass + " samples in some class");
        }
        return chosen;
    }
}
