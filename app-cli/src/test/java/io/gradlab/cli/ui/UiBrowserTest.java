package io.gradlab.cli.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * gradlab ui in a real browser: Debian's headless {@code chromium} driven through {@code chromium-driver}
 * (skipped, with one line saying so, where they are not installed; {@code .ci/run} installs them).
 */
class UiBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    @TempDir
    Path dir;

    private Path runs;
    private UiServer server;
    private WebDriver browser;

    private static String epoch(int epoch, double loss, double g1, double g2) {
        return ("{\"epoch\":%d,\"train_loss\":%s,\"train_accuracy\":0.1,\"test_loss\":%s,\"test_accuracy\":0.1,\"lr\":0.01,"
                + "\"layers\":[{\"name\":\"hidden1\",\"grad_norm\":%s,\"weight_norm\":6.5,\"update_ratio\":1e-9,\"dead_fraction\":0.0,"
                + "\"saturated_fraction\":0.1},{\"name\":\"output\",\"grad_norm\":%s,\"weight_norm\":1.8,\"update_ratio\":1e-3}],"
                + "\"findings\":[{\"severity\":\"CRITICAL\",\"code\":\"vanishing-gradient\",\"message\":\"vanishing gradient in hidden1\","
                + "\"layer\":\"hidden1\",\"evidence\":{},\"remedies\":[\"a ReLU-family activation\"]}]}\n")
                .formatted(epoch, loss, loss, g1, g2);
    }

    private void run(String id, String lr, int epochs) throws IOException {
        Path run = Files.createDirectories(runs.resolve(id));
        Files.writeString(run.resolve("spec.resolved.yaml"), "name: demo\ntraining:\n  epochs: 5\n  optimizer: {id: sgd, lr: " + lr + "}\n");
        StringBuilder lines = new StringBuilder();
        for (int e = 1; e <= epochs; e++) {
            lines.append(epoch(e, 2.3 - 0.1 * e, 1e-6 * e, 0.5));
        }
        Files.writeString(run.resolve("metrics.jsonl"), lines);
    }

    @BeforeEach
    void start() throws IOException {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(DRIVER)) {
            System.out.println("UiBrowserTest skipped: no " + CHROMIUM + " or " + DRIVER + " (apt-get install -y chromium chromium-driver)");
            Assumptions.abort("chromium and chromium-driver are not installed");
        }
        runs = dir.resolve("runs");
        run("a-20260101-000000", "0.01", 2);
        run("b-20260101-000001", "0.1", 3);
        server = UiServer.start(runs, 0);
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1800");
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).build(), options);
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    /** Waits up to 15 s for {@code condition} on the page (selenium-support's WebDriverWait, without that jar). */
    private Waiting waiting() {
        return new Waiting(browser);
    }

    private record Waiting(WebDriver browser) {
        void until(Predicate<WebDriver> condition) {
            long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            RuntimeException last = null;
            while (System.nanoTime() < end) {
                try {
                    if (condition.test(browser)) {
                        return;
                    }
                } catch (RuntimeException e) {
                    last = e; // the page is redrawing: look again
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted", e);
                }
            }
            throw new AssertionError("the page did not get there in 15 s", last);
        }
    }

    @Test
    void comparesTickedRunsAndFollowsThemLive() throws IOException {
        browser.get(server.uri().toString());
        waiting().until(b -> b.findElements(By.cssSelector("#runs input")).size() == 2);
        for (String id : List.of("a-20260101-000000", "b-20260101-000001")) {
            browser.findElement(By.cssSelector("#runs input[data-id='" + id + "']")).click();
        }
        waiting().until(b -> b.findElement(By.id("settings")).getText().contains("training.optimizer.lr"));
        assertThat(browser.findElement(By.id("settings")).getText()).contains("0.01", "0.1");
        assertThat(browser.findElements(By.cssSelector("#loss canvas"))).isNotEmpty();
        assertThat(browser.findElements(By.cssSelector("#gradnorm canvas"))).isNotEmpty();
        assertThat(browser.findElement(By.id("findings")).getText()).contains("CRITICAL", "a ReLU-family activation");

        // the focused run is the last ticked one ("b", 3 epochs): the heatmap gains a column when it writes epoch 4
        waiting().until(b -> heatmapColumns(b) == 3);
        Files.writeString(runs.resolve("b-20260101-000001/metrics.jsonl"), epoch(4, 1.8, 4e-6, 0.5), StandardOpenOption.APPEND);
        waiting().until(b -> heatmapColumns(b) == 4);
        // what a person sees, for a look: target/ui-browser.png
        Files.write(Path.of("target", "ui-browser.png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));

        // a new run appears in the list by itself
        run("c-20260101-000002", "1.0", 1);
        waiting().until(b -> b.findElements(By.cssSelector("#runs input")).size() == 3);
        List<WebElement> items = browser.findElements(By.cssSelector("#runs li"));
        assertThat(items.get(0).getText()).contains("c-20260101-000002");
    }

    /** The system property that lets the paced training finish epochs up to its value. */
    private static final String PACE = "gradlab.uitest.pace";

    /**
     * A real training run of examples/demo.yaml (the deep sigmoid net on the embedded subset) writes into
     * the watched folder while the page follows it: the gradient heatmap gains its columns epoch by
     * epoch, the vanishing-gradient finding appears, and the run ends with all its epochs on the page.
     * The run trains in well under a second on a fast machine, faster than the page's polling, so a
     * diagnostic from a test plugin jar holds each epoch's end until the test lets it go: the page must
     * show every epoch's column before the next epoch is written.
     */
    @Test
    void followsARealTrainingRunEpochByEpoch() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        io.gradlab.engine.registry.TestJars.build(plugins.resolve("pace.jar"), dir.resolve("build"), paceSources(), "pace.PacePlugin");
        browser.get(server.uri().toString());
        waiting().until(b -> b.findElements(By.cssSelector("#runs input")).size() == 2);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        int[] code = {-1};
        System.setProperty(PACE, "0");
        Thread training = new Thread(() -> {
            try (PrintStream out = new PrintStream(sink, true, StandardCharsets.UTF_8)) {
                code[0] = io.gradlab.cli.Main.execute(out, out, "--plugins-dir", plugins.toString(), "run",
                        Path.of("..", "examples", "demo.yaml").toString(), "--out", runs.toString(), "--set", "training.epochs=8",
                        "--set", "diagnostics=[{\"id\":\"ui-pace\"}]");
            }
        }, "demo-training");
        training.start();
        try {
            waiting().until(b -> b.findElements(By.cssSelector("#runs input")).size() == 3);
            WebElement demo = browser.findElements(By.cssSelector("#runs input")).stream()
                    .filter(e -> e.getAttribute("data-id").startsWith("demo-")).findFirst().orElseThrow();
            demo.click();
            for (int epoch = 1; epoch <= 8; epoch++) {
                System.setProperty(PACE, Integer.toString(epoch));
                int columns = epoch;
                waiting().until(b -> heatmapColumns(b) == columns);
                assertThat(training.isAlive() || epoch == 8).as("the run ended before its last epoch: " + sink).isTrue();
            }
            training.join(60_000);
            assertThat(code[0]).as(sink.toString(StandardCharsets.UTF_8)).isZero();
            waiting().until(b -> b.findElement(By.id("findings")).getText().contains("vanishing"));
            Files.write(Path.of("target", "ui-browser-training.png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        } finally {
            System.setProperty(PACE, Integer.toString(Integer.MAX_VALUE));
            training.join(60_000);
            System.clearProperty(PACE);
        }
    }

    /** A plugin with one diagnostic, {@code ui-pace}, whose epoch end waits (at most 30 s) until {@link #PACE} reaches the epoch. */
    private static java.util.Map<String, String> paceSources() {
        return java.util.Map.of("pace.PacePlugin", """
                package pace;
                import io.gradlab.api.*;
                import io.gradlab.api.diag.*;
                import java.util.List;
                public final class PacePlugin implements GradlabPlugin {
                    @Override public String apiVersion() { return ApiVersion.CURRENT; }
                    @Override public String name() { return "pace"; }
                    @Override public List<ComponentFactory<?>> components() {
                        return List.of(ComponentFactory.of(ComponentKind.DIAGNOSTIC, "ui-pace", "holds each epoch's end for a test",
                                List.of(), p -> new Diagnostic() {
                                    @Override public void onEpochEnd(ModelView model, DiagnosticSink sink) {
                                        long end = System.nanoTime() + 30_000_000_000L;
                                        while (Integer.getInteger("%s", Integer.MAX_VALUE) < model.epoch() && System.nanoTime() < end) {
                                            try { Thread.sleep(10); } catch (InterruptedException e) { Thread.currentThread().interrupt(); return; }
                                        }
                                    }
                                }));
                    }
                }
                """.formatted(PACE));
    }

    private static int heatmapColumns(WebDriver b) {
        List<WebElement> rows = b.findElements(By.cssSelector("#heatmap tr"));
        return rows.size() < 2 ? 0 : rows.get(1).findElements(By.cssSelector("td.cell")).size();
    }
}
