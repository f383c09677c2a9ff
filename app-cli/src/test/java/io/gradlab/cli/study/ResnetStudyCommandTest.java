package io.gradlab.cli.study;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradlab.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResnetStudyCommandTest {
    private static final String SPECS = Path.of("..", "examples", "resnet").toString();

    @TempDir
    Path dir;

    private record Result(int code, String out, String err) {}

    private static Result gradlab(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Main.execute(o, e, args);
        }
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aTinyStudyWritesTheTablesTheGradientsTheVerdictAndTheReport() throws IOException {
        Result r = gradlab("study", "resnet", "--specs", SPECS, "--out", dir.toString(), "--subset", "embedded", "--depths", "14,8",
                "--epochs", "2", "--train-samples", "48", "--test-samples", "16", "--set", "training.batch-size=16",
                "--set", "model.architecture.width=4", "-q");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("(?m)^plain8 +8 +no +completed +0\\.\\d{4} +0\\.\\d{4} ")
                .containsPattern("(?m)^resnet8 +8 +yes +completed ")
                .containsPattern("(?m)^plain14 +14 +no +completed ")
                .containsPattern("(?m)^resnet14 +14 +yes +completed ")
                .containsPattern("(?m)^verdict: degradation (yes|no) \\(plain14 train error 0\\.\\d{4} (>|<=) plain8 0\\.\\d{4}; resnet14 ")
                .containsPattern("(?m)^verdict: gradient over epoch 1 of the trained nets: first/last conv gradient ratio plain14 \\S+, resnet14 \\S+:"
                        + " the plain one is \\S+ times smaller \\((>= 100x|not 100x)\\)")
                .containsPattern("(?m)^verdict: gradient at the start of training, without batch norm: first/last conv gradient ratio plain14 \\S+,")
                .containsPattern("(?m)^verdict: gradient at the start of training, with batch norm: first/last conv gradient ratio plain14 \\S+,")
                .containsPattern("(?m)^ +14 +\\d\\.\\d\\de[+-]\\d\\d +\\d\\.\\d\\de[+-]\\d\\d +\\d\\.\\d\\de[+-]\\d\\d +\\d\\.\\d\\de[+-]\\d\\d$")
                .contains("study folder: ");
        Path study;
        try (Stream<Path> s = Files.list(dir)) {
            study = s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        assertThat(study.getFileName().toString()).startsWith("resnet-");
        assertThat(Files.readString(study.resolve(ResnetStudyCommand.REPORT))).contains("<html").contains("plain8").contains("resnet14");
        String md = Files.readString(study.resolve(ResnetStudyReport.MARKDOWN));
        assertThat(md).contains("`gradlab study resnet --epochs 2 --depths 14,8 --train-samples 48 --test-samples 16 --subset embedded")
                .contains("| network | depth | shortcuts | status | train err ep.1 | train err ep.2 | test acc | grad first/last conv |")
                .contains("| plain8 | 8 | no | completed |").contains("verdict: ").contains("## Gradient norm per convolution, epoch 1");
        List<String> csv = Files.readAllLines(study.resolve(ResnetStudyReport.CSV));
        assertThat(csv).hasSize(1 + 4 * 2);
        assertThat(csv.get(1)).startsWith("plain8,8,false,completed,1,");
        assertThat(csv.get(8)).startsWith("resnet14,14,true,completed,2,");
        assertThat(md).contains("## Gradient at the start of training").contains("- plain14-nobn:").contains("- resnet8-bn:");
        List<String> start = Files.readAllLines(study.resolve(ResnetStudyReport.START_CSV));
        // eight probes (two depths, plain and residual, with and without batch norm), 7 or 13 convolutions each
        assertThat(start).hasSize(1 + 2 * 2 * (7 + 13));
        assertThat(start).anyMatch(l -> l.startsWith("plain14-nobn,14,false,false,0,stem,"))
                .anyMatch(l -> l.startsWith("resnet8-bn,8,true,true,6,stage3-block1-conv2,"));
        for (String line : start.subList(1, start.size())) {
            assertThat(Double.parseDouble(line.substring(line.lastIndexOf(',') + 1))).as(line).isPositive().isFinite();
        }
        List<String> grads = Files.readAllLines(study.resolve(ResnetStudyReport.GRADIENTS_CSV));
        // the stem and two 3x3 convolutions per block: 1 + 2 * 1 * 3 at depth 8, 1 + 2 * 2 * 3 at depth 14
        assertThat(grads.stream().filter(l -> l.startsWith("plain8,")).count()).isEqualTo(7);
        assertThat(grads.stream().filter(l -> l.startsWith("resnet14,")).count()).isEqualTo(13);
        assertThat(grads).anyMatch(l -> l.startsWith("resnet14,14,true,0,stem,"))
                .anyMatch(l -> l.startsWith("resnet14,14,true,12,stage3-block2-conv2,"));
        for (String line : grads.subList(1, grads.size())) {
            assertThat(Double.parseDouble(line.substring(line.lastIndexOf(',') + 1))).as(line).isPositive().isFinite();
        }
        try (Stream<Path> runs = Files.list(study)) {
            // the four run folders beside the report's charts
            assertThat(runs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).filter(n -> !n.equals("report-charts")))
                    .hasSize(4).anyMatch(n -> n.startsWith("plain8")).anyMatch(n -> n.startsWith("resnet14"));
        }
    }

    @Test
    void resumeReadsBackCompletedNetworksAndTrainsTheMissingOnes() throws IOException {
        String[] options = {"--specs", SPECS, "--subset", "embedded", "--depths", "8", "--epochs", "1", "--train-samples", "48",
                "--test-samples", "16", "--set", "training.batch-size=16", "--set", "model.architecture.width=4"};
        Result first = gradlab(concat(new String[] {"study", "resnet", "--out", dir.toString(), "-q"}, options));
        assertThat(first.code()).as(first.err()).isZero();
        Path study;
        try (Stream<Path> s = Files.list(dir)) {
            study = s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        String table = first.out().substring(first.out().indexOf("network"), first.out().indexOf("\nverdict"));
        Path resnet8;
        try (Stream<Path> s = Files.list(study)) {
            resnet8 = s.filter(p -> p.getFileName().toString().startsWith("resnet8-")).findFirst().orElseThrow();
        }
        // the residual net's run is lost: it trains again, the plain one is read back
        deleteTree(resnet8);
        Result again = gradlab(concat(new String[] {"study", "resnet", "--resume", study.toString()}, options));
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out()).containsPattern("(?m)^\\[1/2\\] plain8\\n +read back from plain8-\\S+ \\(completed\\)$")
                .containsPattern("(?m)^\\[2/2\\] resnet8\\n +epoch 1/1 ");
        // the same figures: the plain net's from its folder, the residual net's trained again from the same seed
        assertThat(again.out()).contains(table);
        try (Stream<Path> runs = Files.list(study)) {
            assertThat(runs.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("plain8-") || n.startsWith("resnet8-"))).hasSize(2);
        }
    }

    @Test
    void resumeNeedsAFolder() {
        Result r = gradlab("study", "resnet", "--specs", SPECS, "--resume", dir.resolve("none").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--resume").contains("is not a folder");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Test
    void aDepthThatIsNotSixNPlusTwoIsAUsageErrorBeforeAnythingTrains() {
        Result r = gradlab("study", "resnet", "--specs", SPECS, "--out", dir.toString(), "--depths", "8,10");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--depths: 10 is not a resnet depth").contains("6n + 2");
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void aDataFolderThatDoesNotExistIsAUsageError() {
        Result r = gradlab("study", "resnet", "--specs", SPECS, "--out", dir.toString(), "--data", dir.resolve("none").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--data").contains("is not a folder");
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void aMissingSpecFolderNamesTheOption() {
        Result r = gradlab("study", "resnet", "--specs", dir.resolve("nowhere").toString(), "--out", dir.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--specs").contains("is not a folder");
    }
}
