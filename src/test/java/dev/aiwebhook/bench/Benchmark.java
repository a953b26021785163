package dev.aiwebhook.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aiwebhook.Application;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The project's benchmark: starts the real app (relay + worker, embedded PostgreSQL with fsync
 * on, as the default run), drives it over HTTP with keep-alive clients in sync mode as an LLM
 * client would, and measures, on the same database, the bare limit (plain JDBC inserts).
 * Prints a table and writes target/bench/results.json. BENCH_SCALE=small (default) or full.
 *
 *   ./mvnw -B -Pbench verify
 */
public final class Benchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "bench-key";
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final boolean full;
    private final List<Map<String, Object>> scenarios = new ArrayList<>();

    private Benchmark(int port, boolean full) {
        this.base = "http://localhost:" + port;
        this.full = full;
    }

    public static void main(String[] args) throws Exception {
        boolean full = "full".equalsIgnoreCase(System.getenv().getOrDefault("BENCH_SCALE", "small"));
        Path dataDir = Files.createTempDirectory("ai-webhook-bench-");
        Path repo = dataDir.resolve("repo");
        Files.createDirectories(repo);
        run(repo, "git", "init", "-q");
        Files.writeString(repo.resolve("a.txt"), "a\n");

        long t0 = System.nanoTime();
        ConfigurableApplicationContext app = new SpringApplicationBuilder(Application.class).run(
                "--server.port=0", "--app.data-dir=" + dataDir, "--app.api-key=" + KEY,
                "--app.tasks.roots=" + dataDir, "--logging.level.root=WARN", "--camel.main.name=bench",
                "--app.relay.rate-limit-per-minute=0");
        double startupMs = (System.nanoTime() - t0) / 1e6;
        int port = ((WebServerApplicationContext) app).getWebServer().getPort();
        Benchmark b = new Benchmark(port, full);
        Map<String, Object> baseline;
        try {
            b.runScenarios(repo.toString());
            b.intakeToWorkerStart(app.getBean(DataSource.class));
            baseline = b.baseline(app.getBean(DataSource.class));
        } finally {
            app.close();
        }
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("scale", full ? "full" : "small");
        settings.put("database", "embedded PostgreSQL 17, fsync=on, synchronous_commit=on");
        settings.put("cpus", Runtime.getRuntime().availableProcessors());
        settings.put("startup_ms", Math.round(startupMs));
        settings.put("peak_rss_mb", peakRssMb());
        settings.put("note", "client and app share one JVM and the machine's cores");
        b.print(baseline, settings);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("scenarios", b.scenarios);
        out.put("baseline", baseline);
        out.put("settings", settings);
        Files.createDirectories(Path.of("target/bench"));
        JSON.writerWithDefaultPrettyPrinter().writeValue(Path.of("target/bench/results.json").toFile(), out);
        System.out.println("Written: target/bench/results.json");
        System.exit(0);
    }

    private void runScenarios(String repo) throws Exception {
        int n = full ? 2000 : 300;
        post(cmd("create_session", "bench-warm", Map.of("title", "warm-up")));
        for (int i = 0; i < 200; i++) {
            post(cmd("store_memory", "bench-warm", Map.of("type", "note", "content", "warm " + i)));
        }
        AtomicInteger seq = new AtomicInteger();
        measure("create_session, sync", 100, n, 1,
                () -> post(cmd("create_session", "bench-s-" + seq.incrementAndGet(), Map.of("title", "bench session"))));

        post(cmd("create_session", "bench-mem", Map.of("title", "memories")));
        measure("store_memory, sync", 50, n, 1, () -> post(cmd("store_memory", "bench-mem",
                Map.of("type", "idea", "content", Map.of("idea", "idea " + seq.incrementAndGet()), "tags", List.of("a", "b")))));

        // a session of 1,000 memories (in batches of 100) among the others
        post(cmd("create_session", "bench-query", Map.of("title", "query")));
        String[] types = {"idea", "decision", "question", "fact", "note"};
        for (int b = 0; b < 10; b++) {
            List<Map<String, Object>> commands = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                int k = b * 100 + i;
                commands.add(Map.of("command", "store_memory", "data", Map.of("type", types[k % 5],
                        "content", "memory " + k, "tags", List.of("t" + (k % 10)))));
            }
            post(cmd("batch", "bench-query", Map.of("commands", commands)));
        }
        measure("query_memories by type and tag (session of 1,000)", 100, n, 1, () -> post(cmd("query_memories",
                "bench-query", Map.of("type", "decision", "tags", List.of("t3"), "limit", 20))));

        for (int i = 0; i < (full ? 200 : 40); i++) {
            post(cmd("conversation_chunk", "bench-query", Map.of("content",
                    "Alice: we looked at storage and billing again today " + i + "\nDecision: keep storage in PostgreSQL "
                            + i + "\nBob: what about the billing export?")));
        }
        measure("search (memories, chunks, artifacts), one session", 200, n, 1, () -> post(cmd("search", "bench-query",
                Map.of("query", "storage billing", "limit", 10))));

        measure("batch of 10 store_memory", 500, n / 2, 1, () -> {
            List<Map<String, Object>> commands = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                commands.add(Map.of("command", "store_memory", "data", Map.of("type", "fact", "content", "f" + i)));
            }
            return post(cmd("batch", "bench-mem", Map.of("commands", commands)));
        });

        measure("sync git status (small repository)", 127, full ? 500 : 100, 1, () -> post(JSON.writeValueAsString(
                Map.of("type", "task_command", "sync", true, "data", Map.of("action_type", "git",
                        "params", Map.of("command", List.of("git", "status"), "working_dir", repo))))));

        measure("store_memory, sync, 16 clients", 50, full ? 20000 : 3000, 16, () -> post(cmd("store_memory", "bench-mem",
                Map.of("type", "note", "content", "n" + seq.incrementAndGet()))));

        measure("async intake (202), 16 clients", null, full ? 20000 : 3000, 16, () -> send("/webhook",
                cmd("store_memory", "bench-mem", Map.of("type", "note", "content", "async " + seq.incrementAndGet()))
                        .replace("\"sync\":true", "\"sync\":false"), 202));
    }

    /**
     * Webhook accepted -> worker starts it, for the single-client store_memory scenario, on the
     * server's clock: from the relay's insert (received_at) to the start of the worker's
     * transaction that applies it (worker_processed.processed_at). It includes the intake's
     * commit, the wake-up, the claim and its commit, and the hand-off to a worker thread.
     */
    private void intakeToWorkerStart(DataSource ds) throws Exception {
        try (var c = ds.getConnection(); var st = c.prepareStatement("""
                SELECT percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY extract(epoch FROM p.processed_at - w.received_at) * 1000),
                       count(*)
                FROM relay_webhooks w JOIN worker_processed p ON p.webhook_id = w.id
                WHERE w.payload ->> 'session_id' = 'bench-mem' AND w.payload ->> 'command' = 'store_memory'
                  AND w.payload -> 'data' ->> 'type' = 'idea'""");
             var rs = st.executeQuery()) {
            rs.next();
            Double[] p = (Double[]) rs.getArray(1).getArray();
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("name", "webhook accepted -> worker starts it (server clock)");
            r.put("p50_ms", Math.round(p[0] * 100) / 100.0);
            r.put("p95_ms", Math.round(p[1] * 100) / 100.0);
            r.put("p99_ms", Math.round(p[2] * 100) / 100.0);
            r.put("ops_per_s", null);
            r.put("target_ms", null);
            r.put("requests", rs.getInt(2));
            r.put("clients", 1);
            r.put("failures", 0);
            scenarios.add(r);
        }
    }

    /** The same row as store_memory, written by plain JDBC on the same database. */
    private Map<String, Object> baseline(DataSource ds) throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        try (Connection c = ds.getConnection(); var st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS bench_rows (id bigserial PRIMARY KEY, session_id text, key text, "
                    + "type text, content jsonb, tags text[], created_at timestamptz DEFAULT now())");
        }
        int rows = full ? 20000 : 3000;
        String sql = "INSERT INTO bench_rows (session_id, key, type, content, tags) VALUES (?, ?, 'note', ?::jsonb, '{a,b}')";
        out.put("jdbc_one_commit_per_row_1_conn_per_s", Math.round(jdbcRate(ds, sql, rows, 1, 1)));
        out.put("jdbc_one_commit_per_row_16_conn_per_s", Math.round(jdbcRate(ds, sql, rows, 16, 1)));
        out.put("jdbc_batched_100_per_commit_per_s", Math.round(jdbcRate(ds, sql, rows * 5, 1, 100)));
        return out;
    }

    private static double jdbcRate(DataSource ds, String sql, int rows, int threads, int perCommit) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicInteger left = new AtomicInteger(rows);
        long t0 = System.nanoTime();
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            fs.add(pool.submit((Callable<Void>) () -> {
                try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
                    c.setAutoCommit(false);
                    int pending = 0;
                    while (left.getAndDecrement() > 0) {
                        ps.setString(1, "s");
                        ps.setString(2, "k");
                        ps.setString(3, "{\"x\":1}");
                        if (perCommit == 1) {
                            ps.executeUpdate();
                            c.commit();
                        } else {
                            ps.addBatch();
                            if (++pending == perCommit) {
                                ps.executeBatch();
                                c.commit();
                                pending = 0;
                            }
                        }
                    }
                    if (pending > 0) {
                        ps.executeBatch();
                        c.commit();
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : fs) {
            f.get();
        }
        pool.shutdown();
        return rows / ((System.nanoTime() - t0) / 1e9);
    }

    private void measure(String name, Integer targetMs, int count, int clients, Callable<Integer> call) throws Exception {
        for (int i = 0; i < Math.min(50, count / 5); i++) {
            call.call();   // warm-up
        }
        long[] lat = new long[count];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long t0 = System.nanoTime();
        List<Future<?>> fs = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            fs.add(pool.submit((Callable<Void>) () -> {
                int i;
                while ((i = next.getAndIncrement()) < count) {
                    long s = System.nanoTime();
                    if (call.call() != 0) {
                        failures.incrementAndGet();
                    }
                    lat[i] = System.nanoTime() - s;
                }
                return null;
            }));
        }
        for (Future<?> f : fs) {
            f.get();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        pool.shutdown();
        Arrays.sort(lat);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("name", name);
        r.put("p50_ms", ms(lat[(int) (count * 0.50)]));
        r.put("p95_ms", ms(lat[(int) (count * 0.95)]));
        r.put("p99_ms", ms(lat[Math.min(count - 1, (int) (count * 0.99))]));
        r.put("ops_per_s", Math.round(count / seconds));
        r.put("target_ms", targetMs);
        r.put("requests", count);
        r.put("clients", clients);
        r.put("failures", failures.get());
        scenarios.add(r);
        System.out.printf("  measured %-52s p50 %6.2f ms%n", name, ms(lat[count / 2]));
    }

    private static double ms(long nanos) {
        return Math.round(nanos / 10_000.0) / 100.0;
    }

    private String cmd(String command, String session, Map<String, ?> data) throws IOException {
        return JSON.writeValueAsString(Map.of("type", "collaborative_session_command", "command", command,
                "session_id", session, "sync", true, "data", data));
    }

    /** 0 when the command succeeded. */
    private int post(String body) throws Exception {
        return send("/webhook", body, 200);
    }

    private int send(String path, String body, int expected) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("X-API-Key", KEY).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != expected) {
            return 1;
        }
        if (expected == 200) {
            JsonNode node = JSON.readTree(r.body());
            return "success".equals(node.path("status").asText()) ? 0 : 1;
        }
        return 0;
    }

    private void print(Map<String, Object> baseline, Map<String, Object> settings) {
        System.out.println();
        System.out.printf("%-52s %8s %8s %8s %9s %8s %6s%n", "scenario", "p50 ms", "p95 ms", "p99 ms", "ops/s", "target", "fail");
        for (Map<String, Object> s : scenarios) {
            System.out.printf("%-52s %8s %8s %8s %9s %8s %6s%n", s.get("name"), s.get("p50_ms"), s.get("p95_ms"),
                    s.get("p99_ms"), s.get("ops_per_s") == null ? "-" : s.get("ops_per_s"), s.get("target_ms") == null ? "-" : "<" + s.get("target_ms"),
                    s.get("failures"));
        }
        System.out.println();
        baseline.forEach((k, v) -> System.out.printf("baseline %-45s %s%n", k, v));
        settings.forEach((k, v) -> System.out.printf("setting  %-45s %s%n", k, v));
    }

    private static long peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (IOException ignored) {
            // not Linux
        }
        return -1;
    }

    private static void run(Path dir, String... cmd) throws Exception {
        new ProcessBuilder(cmd).directory(dir.toFile()).inheritIO().start().waitFor();
    }
}
