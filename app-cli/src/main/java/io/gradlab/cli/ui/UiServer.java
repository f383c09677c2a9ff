package io.gradlab.cli.ui;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code gradlab ui}: a read-only web page over one runs folder, on 127.0.0.1 only. The JDK's own HTTP
 * server ({@code jdk.httpserver}) serves it: a local, single-user, read-only page needs no more, and it
 * adds no dependency. Routes:
 * <ul>
 *   <li>{@code /} and {@code /app.js}, {@code /app.css}: the page; {@code /webjars/uplot/...}: the chart library from its WebJar;</li>
 *   <li>{@code /api/runs}: the runs (JSON); {@code /api/runs/events}: the same as server-sent events whenever it changes;</li>
 *   <li>{@code /api/run?id=RUN}: a run's flattened resolved spec and summary;</li>
 *   <li>{@code /api/run/events?id=RUN}: server-sent events, one {@code epoch} event per line of {@code metrics.jsonl}
 *       (tailed from the last offset read: only new bytes are read), then {@code summary} when the run ends.</li>
 * </ul>
 * Runs are named by their folder name; any other path is refused (404).
 */
public final class UiServer implements AutoCloseable {
    /** The chart library's folder in its WebJar, whichever version the build resolved (the parent POM pins it). */
    static final String UPLOT = "META-INF/resources/webjars/uplot/" + webJarVersion("org.webjars.npm", "uplot") + "/dist/";
    private static final long TAIL_MILLIS = 300;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RunsFolder runs;
    private final HttpServer server;
    private final ExecutorService executor;
    private final AtomicBoolean open = new AtomicBoolean(true);

    private UiServer(RunsFolder runs, HttpServer server, ExecutorService executor) {
        this.runs = runs;
        this.server = server;
        this.executor = executor;
    }

    /** Starts serving {@code runsDir} on 127.0.0.1:{@code port} (0: any free port). */
    public static UiServer start(Path runsDir, int port) throws IOException {
        requireNonNull(runsDir, "runsDir is null");
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        ExecutorService executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "gradlab-ui");
            t.setDaemon(true);
            return t;
        });
        UiServer ui = new UiServer(new RunsFolder(runsDir), server, executor);
        server.createContext("/", ui::handle);
        server.setExecutor(executor);
        server.start();
        return ui;
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    private void handle(HttpExchange ex) {
        try {
            if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
                send(ex, 405, "text/plain", "read-only: GET only");
                return;
            }
            String path = ex.getRequestURI().getPath();
            Map<String, String> query = query(ex.getRequestURI().getRawQuery());
            switch (path) {
                case "/", "/index.html" -> resource(ex, "io/gradlab/cli/ui/index.html", "text/html; charset=utf-8");
                case "/app.js" -> resource(ex, "io/gradlab/cli/ui/app.js", "text/javascript; charset=utf-8");
                case "/app.css" -> resource(ex, "io/gradlab/cli/ui/app.css", "text/css; charset=utf-8");
                case "/webjars/uplot/uPlot.iife.min.js" -> resource(ex, UPLOT + "uPlot.iife.min.js", "text/javascript; charset=utf-8");
                case "/webjars/uplot/uPlot.min.css" -> resource(ex, UPLOT + "uPlot.min.css", "text/css; charset=utf-8");
                case "/api/runs" -> send(ex, 200, "application/json", JSON.writeValueAsString(runs.list()));
                case "/api/runs/events" -> runListEvents(ex);
                case "/api/run" -> run(ex, query.get("id"));
                case "/api/run/events" -> runEvents(ex, query.get("id"));
                default -> send(ex, 404, "text/plain", "not found");
            }
        } catch (IOException | RuntimeException e) {
            // the browser went away, or a run folder changed under the reader: this request ends
        } finally {
            ex.close();
        }
    }

    private void run(HttpExchange ex, String id) throws IOException {
        Optional<Path> dir = runs.resolve(id);
        if (dir.isEmpty()) {
            send(ex, 404, "text/plain", "no run named " + id + " in " + runs.root());
            return;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", id);
        out.put("spec", RunsFolder.flatSpec(dir.get()));
        out.put("summary", RunsFolder.summary(dir.get()).orElse(null));
        send(ex, 200, "application/json", JSON.writeValueAsString(out));
    }

    /** The run list as an event whenever it changes (a listing of the runs folder and a stat of each run's files). */
    private void runListEvents(HttpExchange ex) throws IOException {
        OutputStream out = startEvents(ex);
        String last = null;
        while (open.get()) {
            String now = JSON.writeValueAsString(runs.list());
            if (!now.equals(last)) {
                event(out, "runs", now);
                last = now;
            } else {
                comment(out);
            }
            pause(1000);
        }
    }

    /** Tails {@code metrics.jsonl}: each complete new line is an {@code epoch} event; {@code summary} once written. */
    private void runEvents(HttpExchange ex, String id) throws IOException {
        Optional<Path> dir = runs.resolve(id);
        if (dir.isEmpty()) {
            send(ex, 404, "text/plain", "no run named " + id + " in " + runs.root());
            return;
        }
        Path metrics = dir.get().resolve(RunsFolder.METRICS);
        Path summary = dir.get().resolve(RunsFolder.SUMMARY);
        OutputStream out = startEvents(ex);
        long offset = 0;
        StringBuilder pending = new StringBuilder();
        long summaryModified = -1;
        int idle = 0;
        while (open.get()) {
            boolean sent = false;
            if (Files.exists(metrics)) {
                long size = Files.size(metrics);
                if (size < offset) { // cut back by a resume: start over
                    offset = 0;
                    pending.setLength(0);
                    event(out, "reset", "{}");
                }
                if (size > offset) {
                    byte[] fresh = readFrom(metrics, offset, size);
                    offset = size;
                    pending.append(new String(fresh, StandardCharsets.UTF_8));
                    int nl;
                    while ((nl = pending.indexOf("\n")) >= 0) {
                        String line = pending.substring(0, nl).strip();
                        pending.delete(0, nl + 1);
                        if (!line.isEmpty()) {
                            event(out, "epoch", line);
                            sent = true;
                        }
                    }
                }
            }
            if (Files.exists(summary)) {
                long modified = Files.getLastModifiedTime(summary).toMillis();
                if (modified != summaryModified) {
                    Optional<String> text = RunsFolder.summary(dir.get()).map(Object::toString);
                    if (text.isPresent()) {
                        event(out, "summary", text.get());
                        summaryModified = modified;
                        sent = true;
                    }
                }
            }
            if (!sent && ++idle * TAIL_MILLIS >= 15_000) {
                comment(out); // finds a closed connection
                idle = 0;
            }
            pause(TAIL_MILLIS);
        }
    }

    private static byte[] readFrom(Path file, long from, long to) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            byte[] bytes = new byte[Math.toIntExact(to - from)];
            raf.seek(from);
            raf.readFully(bytes);
            return bytes;
        }
    }

    private static OutputStream startEvents(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.sendResponseHeaders(200, 0);
        return ex.getResponseBody();
    }

    private static void event(OutputStream out, String name, String data) throws IOException {
        out.write(("event: " + name + "\ndata: " + data.replace("\n", "\ndata: ") + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void comment(OutputStream out) throws IOException {
        out.write(":\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private void pause(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("stopped", e);
        }
    }

    private static void resource(HttpExchange ex, String name, String type) throws IOException {
        try (InputStream in = UiServer.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                send(ex, 404, "text/plain", "not found");
                return;
            }
            ex.getResponseHeaders().set("Content-Type", type);
            byte[] bytes = in.readAllBytes();
            ex.sendResponseHeaders(200, ex.getRequestMethod().equals("HEAD") ? -1 : bytes.length);
            if (!ex.getRequestMethod().equals("HEAD")) {
                ex.getResponseBody().write(bytes);
            }
        }
    }

    private static void send(HttpExchange ex, int code, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type.contains("charset") ? type : type + "; charset=utf-8");
        ex.sendResponseHeaders(code, ex.getRequestMethod().equals("HEAD") ? -1 : bytes.length);
        if (!ex.getRequestMethod().equals("HEAD")) {
            ex.getResponseBody().write(bytes);
        }
    }

    private static String webJarVersion(String group, String artifact) {
        Properties p = new Properties();
        try (InputStream in = UiServer.class.getClassLoader().getResourceAsStream("META-INF/maven/" + group + "/" + artifact
                + "/pom.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // no version: the page says the library is missing
        }
        return p.getProperty("version", "missing");
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null) {
            return out;
        }
        for (String pair : List.of(raw.split("&"))) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            out.put(key, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    /** Stops serving; open event streams end within a moment. */
    @Override
    public void close() {
        open.set(false);
        server.stop(0);
        executor.shutdownNow();
    }
}
