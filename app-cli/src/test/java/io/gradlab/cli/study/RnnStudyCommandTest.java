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

class RnnStudyCommandTest {
    private static final String SPECS = Path.of("..", "examples", "rnn").toString();

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

    private Path onlyStudyFolder() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> dirs = s.filter(Files::isDirectory).toList();
            assertThat(dirs).hasSize(1);
            return dirs.get(0);
        }
    }

    @Test
    void aShortStudyWritesTheTableAndTheCurvesAndReportsTheExplosion() throws IOException {
        Result r = gradlab("study", "rnn", "--specs", SPECS, "--out", dir.toString(), "--epochs", "1", "-q",
                "--set", "data.source.train-size=300", "--set", "data.source.test-size=100",
                "--only", "linear-vanishing,linear-exploding,gru-adding");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("(?m)^linear-vanishing +rnn-identity +0\\.50 +no +completed +1 ")
                .containsPattern("(?m)^linear-exploding +rnn-identity +1\\.50 +no +stopped +0 ")
                .containsPattern("(?m)^gru-adding +gru ")
                .contains("study folder: ");
        assertThat(r.err()).contains("linear-exploding stopped").contains("time step");
        Path study = onlyStudyFolder();
        assertThat(study.getFileName().toString()).startsWith("rnn-");
        String md = Files.readString(study.resolve(RnnStudyReport.MARKDOWN));
        assertThat(md).contains("| linear-vanishing | rnn-identity | 0.50 | no | completed | 1 |")
                .contains("## Stopped and failed runs").contains("## Gradient through time, epoch 1");
        List<String> csv = Files.readAllLines(study.resolve(RnnStudyReport.CSV));
        assertThat(csv).hasSize(4);
        assertThat(csv.get(2)).startsWith("linear-exploding,").contains(",stopped,0,");
        List<String> curves = Files.readAllLines(study.resolve(RnnStudyReport.CURVES_CSV));
        // 50 steps for each of the three runs; the stopped one from the curve its stop finding carries
        assertThat(curves).hasSize(1 + 3 * 50);
        double first = Double.parseDouble(curves.stream().filter(l -> l.startsWith("linear-exploding,1,0,")).findFirst().orElseThrow().split(",")[3]);
        double last = Double.parseDouble(curves.stream().filter(l -> l.startsWith("linear-exploding,1,49,")).findFirst().orElseThrow().split(",")[3]);
        assertThat(first / last).as("1.5^49").isGreaterThan(1e8);
        try (Stream<Path> runs = Files.list(study)) {
            assertThat(runs.filter(Files::isDirectory).count()).isEqualTo(3);
        }
    }

    @Test
    void anUnknownRunOrAMissingStudyIsAUsageError() {
        Result unknown = gradlab("study", "rnn", "--specs", SPECS, "--out", dir.toString(), "--only", "nope");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("study 'rnn' has no run 'nope'").contains("lstm-adding");
        Result none = gradlab("study");
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("gradlab study m05, or gradlab study rnn");
    }
}
