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
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A scaled-down M05 study on the embedded subset: 3 remedies x 2 epochs of 79 steps. */
class StudyCommandTest {
    static final Path SPECS = Path.of("..", "examples", "m05");

    record Run(int code, String out, String err) {}

    static Run gradlab(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Main.execute(o, e, args);
        }
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aScaledDownStudyShowsTheBaselineAtChanceAndAdamAndBatchNormAboveIt(@TempDir Path dir) throws IOException {
        Run r = gradlab("study", "m05", "--subset", "embedded", "--epochs", "2", "--set", "training.batch-size=64",
                "--only", "baseline,adam,batchnorm", "--specs", SPECS.toString(), "--out", dir.toString(), "-q");
        assertThat(r.code()).as(r.err()).isZero();
        Path study;
        try (Stream<Path> s = Files.list(dir)) {
            study = s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        assertThat(study.getFileName().toString()).startsWith("m05-");
        List<String> csv = Files.readAllLines(study.resolve(StudyReport.CSV));
        assertThat(csv.get(0)).startsWith("remedy,label,runs,completed,final_test_accuracy_mean");
        Map<String, String[]> rows = csv.stream().skip(1).map(StudyCommandTest::cells).collect(Collectors.toMap(c -> c[0], Function.identity()));
        assertThat(rows).containsOnlyKeys("baseline", "adam", "batchnorm");
        double baseline = Double.parseDouble(rows.get("baseline")[4]);
        double adam = Double.parseDouble(rows.get("adam")[4]);
        double batchnorm = Double.parseDouble(rows.get("batchnorm")[4]);
        assertThat(baseline).as("baseline test accuracy").isLessThanOrEqualTo(0.12);
        assertThat(adam).as("adam test accuracy").isGreaterThanOrEqualTo(0.15);
        assertThat(batchnorm).as("batch norm test accuracy").isGreaterThanOrEqualTo(0.5);
        // the vanishing gradient of the baseline, and its absence with batch norm
        assertThat(Double.parseDouble(rows.get("baseline")[8])).isLessThan(1e-3);
        assertThat(Double.parseDouble(rows.get("batchnorm")[8])).isGreaterThan(0.1);
        assertThat(rows.get("batchnorm")[6]).isEqualTo("1"); // reached 50 %
        String md = Files.readString(study.resolve(StudyReport.MARKDOWN));
        assertThat(md).contains("# M05").contains("| remedy | test acc, last 5 epochs | final test acc | epochs to 50 % |")
                .contains("gradlab study m05 --epochs 2 --subset embedded --only baseline,adam,batchnorm --set training.batch-size=64")
                .contains("| baseline | 0.1");
        // with 2 epochs the last-5 figure is the mean of both epochs' test accuracies
        List<String> runs = Files.readAllLines(study.resolve(StudyReport.RUNS_CSV));
        assertThat(runs.get(0)).endsWith(",last5_test_accuracy");
        assertThat(Double.parseDouble(cells(csv.get(1))[11])).isEqualTo(Double.parseDouble(cells(runs.get(1))[9]));
        assertThat(Files.readAllLines(study.resolve(StudyReport.RUNS_CSV))).hasSize(4);
        try (Stream<Path> s = Files.list(study)) {
            assertThat(s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).filter(n -> !n.endsWith("-charts")))
                    .hasSize(3).allMatch(n -> n.startsWith("m05-baseline-") || n.startsWith("m05-adam-") || n.startsWith("m05-batchnorm-"));
        }
        assertThat(r.out()).contains("final test acc").contains("study folder: " + study);
        String html = Files.readString(study.resolve(StudyCommand.REPORT));
        assertThat(html).contains("m05-baseline").contains("m05-batchnorm").contains("<svg");
    }

    @Test
    void aResumedStudyKeepsFinishedRunsAndRunsOnlyTheMissingOnes(@TempDir Path dir) throws IOException {
        Run first = gradlab("study", "m05", "--subset", "embedded", "--epochs", "1", "--only", "baseline",
                "--specs", SPECS.toString(), "--out", dir.toString(), "-q");
        assertThat(first.code()).as(first.err()).isZero();
        Path study;
        try (Stream<Path> s = Files.list(dir)) {
            study = s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        Run again = gradlab("study", "m05", "--subset", "embedded", "--epochs", "1", "--only", "baseline,batchnorm",
                "--specs", SPECS.toString(), "--out", dir.toString(), "--resume", study.toString());
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out()).contains("finished before: m05-baseline-");
        try (Stream<Path> s = Files.list(study)) {
            List<String> runs = s.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(n -> !n.endsWith("-charts")).toList();
            assertThat(runs).hasSize(2).anyMatch(n -> n.startsWith("m05-baseline-")).anyMatch(n -> n.startsWith("m05-batchnorm-"));
        }
        assertThat(Files.readString(study.resolve(StudyReport.CSV))).contains("baseline").contains("batchnorm");
    }

    /** The cells of a CSV line (quoted cells may hold commas). */
    static String[] cells(String line) {
        List<String> out = new java.util.ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (char ch : line.toCharArray()) {
            if (ch == '"') {
                quoted = !quoted;
            } else if (ch == ',' && !quoted) {
                out.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(ch);
            }
        }
        out.add(cell.toString());
        return out.toArray(String[]::new);
    }

    @Test
    void unknownStudiesRemediesAndMissingSpecsAreUsageErrors(@TempDir Path dir) {
        Run unknown = gradlab("study", "m99", "--out", dir.toString());
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown study 'm99'").contains("m05");
        Run remedy = gradlab("study", "m05", "--only", "dropout", "--specs", SPECS.toString(), "--out", dir.toString());
        assertThat(remedy.code()).isEqualTo(2);
        assertThat(remedy.err()).contains("no remedy 'dropout'").contains("batchnorm");
        Run missing = gradlab("study", "m05", "--specs", dir.toString(), "--out", dir.toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("baseline.yaml").contains("--specs");
        assertThat(dir.toFile().list()).isEmpty(); // nothing is written before every spec is found and valid
    }

    @Test
    void seedsAreAggregatedAsMeanAndSpread() {
        Study.Remedy r = new Study.Remedy("adam", "Adam");
        List<Outcome> outcomes = List.of(
                new Outcome(r, 42, "completed", 3, 0.8, 0.7, 2, 1e-2, 1.0, null, null),
                new Outcome(r, 43, "completed", 3, 0.9, 0.9, 4, 1e-4, 1.0, null, null),
                new Outcome(r, 44, "diverged", 1, 0.1, 0.2, -1, Double.NaN, Double.NaN, null, "loss NaN"));
        RemedySummary s = RemedySummary.of(r, outcomes);
        assertThat(s.accuracyMean()).isCloseTo(0.6, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(s.accuracyStd()).isCloseTo(Math.sqrt(((0.2 * 0.2) + (0.3 * 0.3) + (0.5 * 0.5)) / 2), org.assertj.core.api.Assertions.within(1e-12));
        assertThat(s.lastMean()).isCloseTo(0.6, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(s.lastStd()).isCloseTo(Math.sqrt(((0.1 * 0.1) + (0.3 * 0.3) + (0.4 * 0.4)) / 2), org.assertj.core.api.Assertions.within(1e-12));
        assertThat(s.reached50()).isEqualTo(2);
        assertThat(s.epochsTo50Mean()).isEqualTo(3.0);
        assertThat(s.ratioFirst()).isCloseTo(1e-3, org.assertj.core.api.Assertions.within(1e-15));
        assertThat(s.status()).isEqualTo("completed/diverged");
        StudyReport report = new StudyReport(Study.m05(), List.of(s), outcomes, 3);
        assertThat(report.text()).contains("test acc, last 5 epochs (mean ± sd)").contains("0.6000 ± 0.3606").contains("0.6000 ± 0.4359").contains("3.0 (2/3 runs)").contains("completed/diverged (2/3)");
        assertThat(report.markdown("gradlab study m05 --seeds 3")).contains("adam (seed 44): diverged — loss NaN");
    }
}
