package io.gradlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The doctor's labelled suite ({@code examples/doctor/suite/suite.yaml}): every broken setup is diagnosed
 * with its cause as the first finding and exit code 1, no healthy setup gets a CRITICAL finding (exit 0).
 * Prints each verdict and the suite's precision and recall.
 */
class DoctorSuiteTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Outcome(String spec, String label, List<String> causes, int exit, List<String> findings, String first, double seconds) {
        boolean broken() {
            return label.equals("broken");
        }

        /** A broken setup with exit 1 whose first finding is one of its causes; a healthy one with exit 0. */
        boolean right() {
            return broken() ? exit == 1 && causes.contains(first) : exit == 0;
        }
    }

    private static Path suite() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("examples/doctor/suite"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("examples/doctor/suite not found above " + Path.of("").toAbsolutePath());
        }
        return p.resolve("examples/doctor/suite");
    }

    @Test
    void everyBrokenSetupIsDiagnosedWithItsCauseAndNoHealthyOneIsCritical() throws IOException {
        Path dir = suite();
        JsonNode cases = new ObjectMapper(new YAMLFactory()).readTree(dir.resolve("suite.yaml").toFile()).get("cases");
        assertThat(cases.size()).isGreaterThanOrEqualTo(10);
        List<Outcome> outcomes = new ArrayList<>();
        for (JsonNode c : cases) {
            String spec = c.get("spec").asText();
            long start = System.nanoTime();
            Cli.Result r = Cli.run("doctor", dir.resolve(spec).toString(), "--json", "--steps", c.path("steps").asText("40"));
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(r.code()).as("%s: %s", spec, r.err()).isIn(0, 1);
            JsonNode d = JSON.readTree(r.out());
            List<String> findings = new ArrayList<>();
            for (JsonNode f : d.get("findings")) {
                findings.add(f.get("severity").asText() + " " + f.get("code").asText());
            }
            String first = d.get("findings").isEmpty() ? "" : d.get("findings").get(0).get("code").asText();
            List<String> causes = new ArrayList<>();
            c.path("causes").forEach(n -> causes.add(n.asText()));
            outcomes.add(new Outcome(spec, c.get("label").asText(), causes, r.code(), findings, first, seconds));
        }
        int tp = 0;
        int fp = 0;
        int fn = 0;
        StringBuilder table = new StringBuilder("doctor suite:\n");
        for (Outcome o : outcomes) {
            if (o.broken()) {
                if (o.right()) {
                    tp++;
                } else {
                    fn++;
                }
            } else if (o.exit() != 0) {
                fp++;
            }
            table.append(String.format(Locale.ROOT, "  %-5s %-8s %-28s exit %d %5.1f s  %s%n", o.right() ? "ok" : "WRONG", o.label(),
                    o.spec(), o.exit(), o.seconds(), o.findings()));
        }
        double precision = tp + fp == 0 ? 1 : (double) tp / (tp + fp);
        double recall = tp + fn == 0 ? 1 : (double) tp / (tp + fn);
        table.append(String.format(Locale.ROOT, "precision %.2f (%d of %d critical diagnoses right), recall %.2f (%d of %d broken setups"
                + " diagnosed with their cause)%n", precision, tp, tp + fp, recall, tp, tp + fn));
        System.out.print(table);

        assertThat(outcomes).as(table.toString()).allMatch(Outcome::right);
        assertThat(outcomes).as("both labels are in the suite").anyMatch(Outcome::broken).anyMatch(o -> !o.broken());
        assertThat(precision).isEqualTo(1.0);
        assertThat(recall).isEqualTo(1.0);
    }
}
