package io.gradlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportCommandTest {
    @TempDir
    Path dir;

    @Test
    void reportsARunAndAStoppedRunWithPngsNextToThePage() throws IOException {
        Path ok = Specs.write(dir, "ok.yaml", Specs.tiny("embedded", "sigmoid", "0.1"));
        Path bad = Specs.write(dir, "bad.yaml", Specs.tiny("embedded", "identity", "1000000").replace("name: tiny", "name: blowup"));
        Path runs = dir.resolve("runs");
        assertThat(Cli.run("run", ok.toString(), "--out", runs.toString(), "-q").code()).isZero();
        assertThat(Cli.run("run", bad.toString(), "--out", runs.toString(), "-q", "--set", "model.architecture.depth=7").code()).isEqualTo(6);
        String[] folders;
        try (Stream<Path> s = Files.list(runs)) {
            folders = s.sorted().map(Path::toString).toArray(String[]::new);
        }
        assertThat(folders).hasSize(2);
        Path html = dir.resolve("out/report.html");

        String[] args = Stream.concat(Stream.of("report", "--out", html.toString(), "--dpi", "72", "--json"), Stream.of(folders))
                .toArray(String[]::new);
        Cli.Result r = Cli.run(args);

        assertThat(r.code()).as(r.err()).isZero();
        JsonNode result = new ObjectMapper().readTree(r.out());
        assertThat(result.get("charts").asInt()).isGreaterThanOrEqualTo(6);
        assertThat(result.get("pngs")).hasSize(result.get("charts").asInt());
        assertThat(Path.of(result.get("png_dir").asText())).isEqualTo(dir.resolve("out/report-charts"));
        String page = Files.readString(html);
        assertThat(page).contains("blowup").contains("class=\"status stopped\"").contains("tiny");
    }

    @Test
    void aFolderThatIsNotARunIsAUsageError() {
        Cli.Result r = Cli.run("report", dir.toString(), "--out", dir.resolve("r.html").toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("is not a run folder");
    }
}
