package io.gradlab.cli.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The UI's HTTP side: on loopback only, the run list, a run's settings, live epochs by server-sent events, no path outside. */
class UiServerTest {
    @TempDir
    Path dir;

    private Path runs;
    private UiServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static final String EPOCH1 = "{\"epoch\":1,\"train_loss\":2.3,\"test_loss\":2.2,\"layers\":[{\"name\":\"hidden1\",\"grad_norm\":0.001}]}";
    private static final String EPOCH2 = "{\"epoch\":2,\"train_loss\":2.1,\"test_loss\":2.0,\"layers\":[{\"name\":\"hidden1\",\"grad_norm\":0.002}]}";

    @BeforeEach
    void start() throws IOException {
        runs = dir.resolve("runs");
        Path run = Files.createDirectories(runs.resolve("demo-20260101-000000"));
        Files.writeString(run.resolve("spec.resolved.yaml"), "name: demo\ntraining:\n  epochs: 3\n  optimizer: {id: sgd, lr: 0.01}\n");
        Files.writeString(run.resolve("metrics.jsonl"), EPOCH1 + "\n");
        Files.writeString(dir.resolve("secret.txt"), "not for the browser");
        server = UiServer.start(runs, 0);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(server.uri().resolve(path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void listensOnLoopbackOnly() {
        assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
        assertThat(server.uri().getHost()).isEqualTo("127.0.0.1");
    }

    @Test
    void servesThePageAndTheChartLibraryFromItsWebJar() throws Exception {
        HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("/webjars/uplot/uPlot.iife.min.js", "/app.js");
        assertThat(get("/webjars/uplot/uPlot.iife.min.js").body()).contains("uPlot");
        assertThat(get("/app.js").body()).contains("EventSource");
    }

    @Test
    void listsRunsAndANewOneAppears() throws Exception {
        assertThat(get("/api/runs").body()).contains("\"id\":\"demo-20260101-000000\"", "\"epochs\":1", "\"planned\":3",
                "\"status\":\"running\"");
        Path second = Files.createDirectories(runs.resolve("other-20260101-000001"));
        Files.writeString(second.resolve("spec.resolved.yaml"), "name: other\n");
        assertThat(get("/api/runs").body()).contains("other-20260101-000001");
    }

    @Test
    void aRunsSettingsAreItsResolvedSpecAsDottedKeys() throws Exception {
        HttpResponse<String> run = get("/api/run?id=demo-20260101-000000");
        assertThat(run.statusCode()).isEqualTo(200);
        assertThat(run.body()).contains("\"training.optimizer.lr\":0.01", "\"training.epochs\":3");
    }

    @Test
    void refusesEverythingOutsideTheRunsFolder() throws Exception {
        for (String path : new String[] {"/api/run?id=..", "/api/run?id=../secret.txt", "/api/run?id=%2e%2e%2fsecret.txt",
                "/api/run?id=/etc", "/api/run/events?id=..", "/../secret.txt", "/webjars/uplot/../../../secret.txt", "/api/run"}) {
            HttpResponse<String> r = get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(r.body()).as(path).doesNotContain("not for the browser");
        }
        Files.createSymbolicLink(runs.resolve("escape"), dir);
        assertThat(get("/api/run?id=escape").statusCode()).isEqualTo(404);
    }

    @Test
    void streamsEachEpochOnceAsTheRunWritesIt() throws Exception {
        HttpResponse<InputStream> stream = http.send(HttpRequest.newBuilder(server.uri().resolve("/api/run/events?id=demo-20260101-000000"))
                .build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        try (BufferedReader in = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            assertThat(nextEvent(in)).isEqualTo("epoch|" + EPOCH1);
            Files.writeString(runs.resolve("demo-20260101-000000/metrics.jsonl"), EPOCH2.substring(0, 20), StandardOpenOption.APPEND);
            Thread.sleep(700); // a torn line is held back until its newline arrives
            Files.writeString(runs.resolve("demo-20260101-000000/metrics.jsonl"), EPOCH2.substring(20) + "\n", StandardOpenOption.APPEND);
            assertThat(nextEvent(in)).isEqualTo("epoch|" + EPOCH2);
            Files.writeString(runs.resolve("demo-20260101-000000/summary.json"), "{\"status\":\"completed\"}");
            assertThat(nextEvent(in)).isEqualTo("summary|{\"status\":\"completed\"}");
        }
    }

    /** The next event as "name|data", skipping comments. */
    private static String nextEvent(BufferedReader in) throws IOException {
        String name = null;
        StringBuilder data = new StringBuilder();
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.startsWith("event: ")) {
                name = line.substring(7);
            } else if (line.startsWith("data: ")) {
                data.append(line.substring(6));
            } else if (line.isEmpty() && name != null) {
                return name + "|" + data;
            }
        }
        return null;
    }
}
