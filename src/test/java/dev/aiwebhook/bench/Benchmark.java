package dev.aiwebhook.bench;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aiwebhook.AppProcess;
import dev.aiwebhook.TestClient;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;

/**
 * The project's benchmark. Starts the real jar (all-in-one, embedded PostgreSQL, fsync on: the
 * default run) as its own process, warms it up, then drives it over HTTP with keep-alive
 * clients in sync mode, as an LLM client would, scenario by scenario. Each scenario is measured
 * in BENCH_ROUNDS rounds (3); the table shows the median round and the spread of p50. On the
 * same database it measures the bare limit (plain JDBC) and the naive search. Startup to ready is
 * timed on BENCH_STARTS (3) fresh DATA_DIRs and as many restarts on the full one: the median and
 * every run are reported. Prints a table and writes target/bench/results.json.
 *
 *   ./mvnw -B -Pbench verify                      (BENCH_SCALE=small, about 3 minutes)
 *   BENCH_SCALE=full ./mvnw -B -Pbench verify     (1,000,000 memories and chunks)
 */
public final class Benchmark {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final boolean full;
    private final int rounds;
    private final String base;
    private final DataSource database;
    private final CloseableHttpClient http;
    private final List<Map<String, Object>> scenarios = new ArrayList<>();
    private final Map<String, Object> data = new LinkedHashMap<>();
    private final AtomicInteger seq = new AtomicInteger();
    private final CompilerActivity compiler;
    /** This benchmark's own JIT compiler threads: the client warms up too. */
    private final CompilerActivity clientCompiler = new CompilerActivity(ProcessHandle.current().pid());
    private final AppProcess app;
    /** False for the relay alone: nothing drains its queue. */
    private final boolean workerRuns;
    /** The JIT compiler's share of a core under which the warm-up ends (0.73–0.94 after the first 960 requests). */
    private static final double QUIET_COMPILER_SHARE = 0.05;
    /** A warm-up round's length, in ms. */
    private static final long WARM_ROUND_MS = 2000;
    /** Quiet warm-up rounds in a row that end the warm-up. */
    private static final int QUIET_ROUNDS = 2;

    private Benchmark(boolean full, int rounds, AppProcess app, boolean workerRuns) throws IOException {
        this.full = full;
        this.workerRuns = workerRuns;
        this.app = app;
        this.rounds = rounds;
        this.database = app.dataSource();
        this.base = app.url();
        this.compiler = new CompilerActivity(app.handle().pid());
        this.http = HttpClients.custom().setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnTotal(64).setMaxConnPerRoute(64).build()).build();
    }

    /**
     * The apps' folders of earlier runs (bench-*): a full run leaves about 4 GB of database behind,
     * kept with its logs until the next run; unremoved, 18 runs had filled this machine's disk.
     */
    static void removeEarlierRuns(Path work) throws IOException {
        if (!Files.isDirectory(work)) {
            return;
        }
        try (var earlier = Files.newDirectoryStream(work, "bench*")) {
            for (Path dir : earlier) {
                try (Stream<Path> tree = Files.walk(dir)) {
                    for (Path p : tree.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
        }
    }

    public static void main(String[] args) throws Exception {
        boolean full = "full".equalsIgnoreCase(System.getenv().getOrDefault("BENCH_SCALE", "small"));
        int rounds = Integer.parseInt(System.getenv().getOrDefault("BENCH_ROUNDS", "3"));
        int starts = Math.max(1, Integer.parseInt(System.getenv().getOrDefault("BENCH_STARTS", "3")));
        Map<String, Object> settings = new LinkedHashMap<>();
        Map<String, Object> baseline;
        Benchmark b;
        removeEarlierRuns(Path.of(System.getProperty("it.dir", "target/it")));
        List<Long> startups;
        try (AppProcess app = AppProcess.allInOne("bench").asUserRunsIt()) {
            Path repo = app.home().resolve("repo");
            Files.createDirectories(repo);
            run(repo, "git", "init", "-q");
            Files.writeString(repo.resolve("a.txt"), "a\n");
            app.with("TASKS_ROOTS", app.home().toString());
            startups = new ArrayList<>(List.of(timedStart(app)));
            b = new Benchmark(full, rounds, app, true);
            b.runAll(repo.toString());
            b.idleCost(app);
            baseline = b.baseline();
            settings.put("scale", full ? "full" : "small");
            settings.put("rounds", rounds);
            settings.put("app", "java -XX:SharedArchiveFile=target/app/ai-webhook.jsa -jar target/app/ai-webhook.jar"
                    + " (the deployment layout), APP_ROLE=all, no other JVM option, its own process");
            settings.put("database", "embedded PostgreSQL 17, fsync=on, synchronous_commit=on (the default run)");
            settings.put("cpus", Runtime.getRuntime().availableProcessors());
            settings.put("peak_rss_mb", peakRssMb(app.handle().pid()));
            // restarts on the same, now full, DATA_DIR: what a user waits for after an upgrade or a reboot
            List<Long> restarts = new ArrayList<>();
            for (int i = 0; i < starts; i++) {
                app.stop();
                restarts.add(timedStart(app));
            }
            settings.put("restart_ms", median(restarts));
            settings.put("restart_runs_ms", restarts);
            settings.put("client", "Apache HttpClient 5, keep-alive, in another JVM on the same cores");
        }
        // more fresh starts (an empty DATA_DIR each: initdb, every migration), the benchmark's app stopped
        for (int i = 1; i < starts; i++) {
            try (AppProcess fresh = AppProcess.allInOne("bench-start").asUserRunsIt()) {
                startups.add(timedStart(fresh));
            }
        }
        // the relay alone (APP_ROLE=relay, its worker on another machine), the other apps stopped
        try (AppProcess relay = AppProcess.relay("bench-relay").asUserRunsIt()) {
            relay.start();
            Benchmark r = new Benchmark(full, rounds, relay, false);
            r.relayIntake();
            b.scenarios.addAll(r.scenarios);
            b.data.putAll(r.data);
        }
        settings.put("startup_ms", median(startups));
        settings.put("startup_runs_ms", startups);
        double ratio = b.opsOf("store_memory, sync, 16 clients (own sessions)")
                / ((Number) baseline.get("jdbc_one_commit_per_row_16_conn_per_s")).doubleValue();
        baseline.put("ratio_16_clients_to_jdbc_16_conn", Math.round(ratio * 1000) / 1000.0);
        b.print(baseline, settings);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("scenarios", b.scenarios);
        out.put("baseline", baseline);
        out.put("data", b.data);
        out.put("settings", settings);
        Files.createDirectories(Path.of("target/bench"));
        JSON.writerWithDefaultPrettyPrinter().writeValue(Path.of("target/bench/results.json").toFile(), out);
        System.out.println("Written: target/bench/results.json");
        System.exit(0);
    }

    private void runAll(String repo) throws Exception {
        int n = full ? 2000 : 100;
        warmUp(repo);

        seq.set(0);
        measure("create_session, sync", 100, 5.0, n, 1,
                () -> post(cmd("create_session", "bench-s-" + seq.incrementAndGet(), Map.of("title", "bench session"))));

        // a session of 1,000 memories, as every scenario below finds it
        post(cmd("create_session", "bench-query", Map.of("title", "query")));
        storeThousand("bench-query");
        long stored = count("SELECT count(*) FROM memories");
        post(cmd("create_session", "bench-mem", Map.of("title", "memories")));
        measure("store_memory, sync (" + fmt(stored) + " memories stored)", 50, 5.0, n, 1, () -> post(cmd("store_memory",
                "bench-mem", Map.of("type", "idea", "content", Map.of("idea", "idea " + seq.incrementAndGet()),
                        "tags", List.of("a", "b")))));
        intakeToWorkerStart(full ? 1000 : 300);

        measure("batch of 10 store_memory", 500, 12.0, n / 2, 1, () -> {
            List<Map<String, Object>> commands = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                commands.add(Map.of("command", "store_memory", "data", Map.of("type", "fact", "content", "f" + i)));
            }
            return post(cmd("batch", "bench-mem", Map.of("commands", commands)));
        });

        measure("sync git status (small repository)", 127, 5.0, full ? 500 : 100, 1, () -> post(gitStatus(repo)));

        // the database grows: memories in 1,000 other sessions, and conversation chunks
        int memories = full ? 1_000_000 : 10_000;
        int chunks = full ? 1_000_000 : 10_000;
        new BulkData(database).load(memories, chunks, data);

        stored = count("SELECT count(*) FROM memories");
        measure("store_memory, sync (" + fmt(stored) + " memories stored)", 50, 5.0, n, 1, () -> post(cmd("store_memory",
                "bench-mem", Map.of("type", "idea", "content", Map.of("idea", "idea " + seq.incrementAndGet()),
                        "tags", List.of("a", "b")))));
        measure("query_memories by type and tag (session of 1,000; " + fmt(count("SELECT count(*) FROM memories"))
                + " stored)", 100, 6.0, n, 1, () -> post(cmd("query_memories", "bench-query",
                Map.of("type", "decision", "tags", List.of("t3"), "limit", 20))));

        searchClasses(n);

        List<String> sessions = new ArrayList<>();
        for (int c = 0; c < 16; c++) {
            sessions.add("bench-c" + c);
            post(cmd("create_session", "bench-c" + c, Map.of("title", "client " + c)));
        }
        long before = count("SELECT count(*) FROM memories WHERE session_id LIKE 'bench-c%'");
        int burst = full ? 20000 : 1000;
        measureClients("store_memory, sync, 16 clients (own sessions)", 50, null, burst, 16, client -> post(cmd("store_memory",
                sessions.get(client), Map.of("type", "note", "content", "n" + seq.incrementAndGet()))));
        long added = count("SELECT count(*) FROM memories WHERE session_id LIKE 'bench-c%'") - before;
        long sent = (long) burst * rounds + Math.min(100, burst / 5);   // the rounds and their warm-up
        check(added == sent, "16 clients: " + added + " memories stored for " + sent + " requests");
        data.put("16_clients_memories_stored", added);

        measure("store_memory, sync, 16 clients (one session)", 50, null, burst, 16, () -> post(cmd("store_memory",
                "bench-mem", Map.of("type", "note", "content", "n" + seq.incrementAndGet()))));

        long queuedBefore = count("SELECT count(*) FROM relay_webhooks");
        measure("async intake (202), 16 clients", null, null, full ? 20000 : 1500, 16,
                () -> asyncStore("async " + seq.incrementAndGet()));
        // its cpu_ms_per_request counts the rounds, while the worker also runs, but not the
        // backlog the worker drains after each round (async_backlog_drained_s)
        scenarios.get(scenarios.size() - 1).put("cpu_counted", "during intake only, not the backlog drained after it");
        long drainStart = System.nanoTime();
        drain();
        data.put("async_backlog_drained_s", Math.round((System.nanoTime() - drainStart) / 1e7) / 100.0);
        long accepted = count("SELECT count(*) FROM relay_webhooks") - queuedBefore;
        long done = count("SELECT count(*) FROM relay_webhooks WHERE status = 'completed' AND payload ->> 'sync' = 'false'");
        data.put("async_accepted", accepted);
        data.put("async_completed_total", done);
    }

    private static String gitStatus(String repo) throws Exception {
        return JSON.writeValueAsString(Map.of("type", "task_command", "sync", true, "data", Map.of("action_type", "git",
                "params", Map.of("command", List.of("git", "status"), "working_dir", repo))));
    }

    /**
     * Unmeasured traffic of every kind, so both JVMs run compiled code before the first figure,
     * until the app's JIT compiler is quiet ({@link #warmUntilQuiet}).
     */
    private void warmUp(String repo) throws Exception {
        post(cmd("create_session", "bench-warm", Map.of("title", "warm-up")));
        warmUntilQuiet("", 1, i -> warmRequest(repo, i));
        if (full) {
            // then the code only concurrent callers run (a permit's group, its stores by one
            // statement): one client alone never waits for a permit, and at full scale the app's
            // JIT compiler took 0.08 of its 0.43 ms per request in the 16-client rounds after it
            // (session 28). Not at small scale, which must stay under 3 minutes.
            for (int c = 0; c < WARM_CLIENTS; c++) {
                post(cmd("create_session", "bench-warm-c" + c, Map.of("title", "concurrent warm-up")));
            }
            warmUntilQuiet("concurrent_", WARM_CLIENTS, i -> post(cmd("store_memory", "bench-warm-c" + (i % WARM_CLIENTS),
                    Map.of("type", "note", "content", "warm " + i))));
        }
        drain();
    }

    /** Clients of the concurrent warm-up, as many as the scenarios of 16 clients. */
    private static final int WARM_CLIENTS = 16;

    /**
     * Sends {@code call(0), call(1), …} from {@code clients} threads in rounds of
     * {@value #WARM_ROUND_MS} ms (the first one also at least 960 requests, 3,600 at full scale)
     * until the app's JIT compiler threads used under {@value #QUIET_COMPILER_SHARE} of a core in
     * {@value #QUIET_ROUNDS} rounds in a row, or 20 s (180 s at full scale) have passed. Rounds of
     * a fixed time, because /proc counts CPU in 10 ms ticks: a round of 600 requests from 16
     * clients lasted about 0.15 s on the relay, where one tick was already 6.7 % of a core. What it
     * took goes into the results' data, each key starting with {@code prefix};
     * {@code warm_up_quiet} is false when the cap ended it.
     */
    private void warmUntilQuiet(String prefix, int clients, WarmCall call) throws Exception {
        int minimum = full ? 3600 : 960;
        long cap = TimeUnit.SECONDS.toNanos(full ? 180 : 20);
        long start = System.nanoTime();
        List<Double> shares = new ArrayList<>();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger sent = new AtomicInteger();
        int quietRounds = 0;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            while (true) {
                CompilerActivity.Reading before = compiler.read();
                long t0 = System.nanoTime();
                long until = t0 + TimeUnit.MILLISECONDS.toNanos(WARM_ROUND_MS);
                List<Future<Void>> fs = new ArrayList<>();
                for (int c = 0; c < clients; c++) {
                    fs.add(pool.submit(() -> {
                        int k;
                        while ((k = next.getAndIncrement()) < minimum || System.nanoTime() < until) {
                            call.call(k);
                            sent.incrementAndGet();
                        }
                        return null;
                    }));
                }
                for (Future<Void> f : fs) {
                    f.get();
                }
                CompilerActivity.Reading after = compiler.read();
                double share = (after.cpuMillis() - before.cpuMillis()) / ((System.nanoTime() - t0) / 1e6);
                boolean sameThreads = after.sameThreadsAs(before);
                quietRounds = share < QUIET_COMPILER_SHARE && sameThreads ? quietRounds + 1 : 0;
                shares.add(Math.round(share * 1000) / 1000.0);
                System.out.printf("warm-up: %,d requests, JIT compiler threads %.1f %% of a core in the last round%s%n",
                        sent.get(), share * 100, sameThreads ? "" : " (a compiler thread ended: not counted quiet)");
                if (!compiler.readable() || quietRounds >= QUIET_ROUNDS || System.nanoTime() - start > cap) {
                    break;
                }
            }
        } finally {
            pool.shutdown();
        }
        data.put(prefix + "warm_up_requests", sent.get());
        data.put(prefix + "warm_up_s", round((System.nanoTime() - start) / 1e9));
        data.put(prefix + "warm_up_quiet", quietRounds >= QUIET_ROUNDS);
        data.put(prefix + "warm_up_compiler_share_per_round", shares);
    }

    private interface WarmCall {
        void call(int i) throws Exception;
    }

    /**
     * Async intake on the relay alone (APP_ROLE=relay: the deployment where the worker runs on
     * another machine and claims over HTTP), the same requests as the all-in-one row: what the
     * relay accepts when no worker shares its cores. Nothing is processed; every 202 is a row.
     */
    private void relayIntake() throws Exception {
        AtomicInteger refused = new AtomicInteger();
        warmUntilQuiet("relay_", 16, i -> {
            if (asyncStore("relay warm " + i) != 0) {
                refused.incrementAndGet();
            }
        });
        data.put("relay_warm_up_refused", refused.get());
        if (refused.get() > 0) {
            System.out.printf("WARNING relay alone: %,d warm-up webhooks refused%n", refused.get());
        }
        long before = count("SELECT count(*) FROM relay_webhooks");
        // the warm-up's webhooks stay queued (no worker): the table the measured rounds write to
        data.put("relay_rows_before_rounds", before);
        int count = full ? 20000 : 1500;
        String name = "async intake (202), 16 clients, relay alone (APP_ROLE=relay)";
        AtomicLong accepted = new AtomicLong();
        measure(name, null, null, count, 16, () -> {
            int failed = asyncStore("async " + seq.incrementAndGet());
            if (failed == 0) {
                accepted.incrementAndGet();
            }
            return failed;
        });
        // every 202 a queued row: recorded, not thrown, so one refused request does not lose the run's figures
        long queued = count("SELECT count(*) FROM relay_webhooks WHERE status = 'queued'") - before;
        data.put("relay_alone_accepted", accepted.get());
        data.put("relay_alone_queued", queued);
        if (queued != accepted.get()) {
            System.out.printf("WARNING relay alone: %,d webhooks queued for %,d accepted%n", queued, accepted.get());
        }
    }

    private int asyncStore(String content) throws Exception {
        return send(cmd("store_memory", "bench-mem", Map.of("type", "note", "content", content))
                .replace("\"sync\":true", "\"sync\":false"), 202);
    }

    private void warmRequest(String repo, int i) throws Exception {
        switch (i % 6) {
            case 5 -> post(gitStatus(repo));
            case 0 -> post(cmd("create_session", "bench-warm-" + i, Map.of("title", "warm")));
            case 1 -> post(cmd("store_memory", "bench-warm", Map.of("type", "note", "content", "warm " + i, "tags", List.of("w"))));
            case 2 -> post(cmd("query_memories", "bench-warm", Map.of("type", "note", "limit", 5)));
            case 3 -> post(cmd("search", "bench-warm", Map.of("query", "warm note", "limit", 5)));
            default -> post(cmd("batch", "bench-warm", Map.of("commands", List.of(
                    Map.of("command", "store_memory", "data", Map.of("type", "fact", "content", "b" + i)),
                    Map.of("command", "get_session_summary", "data", Map.of())))));
        }
    }

    private void storeThousand(String session) throws Exception {
        String[] types = {"idea", "decision", "question", "fact", "note"};
        for (int b = 0; b < 10; b++) {
            List<Map<String, Object>> commands = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                int k = b * 100 + i;
                commands.add(Map.of("command", "store_memory", "data", Map.of("type", types[k % 5],
                        "content", "memory " + k, "tags", List.of("t" + (k % 10)))));
            }
            check(post(cmd("batch", session, Map.of("commands", commands))) == 0, "a batch of 100 failed");
        }
    }

    /**
     * Search across all sessions (1,000,000 chunks at full scale), per class of word pair, and
     * beside each the naive query on the same database: rank every match, keep the top 10.
     */
    private void searchClasses(int n) throws Exception {
        for (Map.Entry<String, List<String>> e : BulkData.searchPairs(database).entrySet()) {
            String cls = e.getKey();
            List<String> pairs = e.getValue();
            AtomicInteger i = new AtomicInteger();
            measure("search, " + cls + " word pairs (all sessions)", 200, 10.0, n, 1, () -> post(cmd("search", "bench-query",
                    Map.of("query", pairs.get(i.getAndIncrement() % pairs.size()), "scope", "all", "limit", 10))));
            naiveSearch(cls, pairs);
        }
    }

    /**
     * The naive query (rank every match, keep the top 10) timed on plain JDBC, and what the
     * bounded search changes in the results: the share of the naive top 10 that the app's top 10
     * (chunks only) also holds, compared by rank (rounded as search rounds it), since many chunks
     * tie. The app's searches run after the timed loop.
     */
    private void naiveSearch(String cls, List<String> pairs) throws Exception {
        int reps = Math.min(pairs.size(), full ? 20 : 30);
        long[] lat = new long[reps];
        long matches = 0;
        List<List<BigDecimal>> naive = new ArrayList<>();
        try (Connection c = database.getConnection(); PreparedStatement st = c.prepareStatement("""
                SELECT chunk_id, round(r::numeric, 4) FROM (
                    SELECT chunk_id, ts_rank_cd(search_vector, q) AS r
                    FROM conversation_chunks, app_search_query(?) AS q
                    WHERE search_vector @@ q ORDER BY r DESC LIMIT 10) top""");
             PreparedStatement cnt = c.prepareStatement(
                     "SELECT count(*) FROM conversation_chunks, app_search_query(?) AS q WHERE search_vector @@ q")) {
            for (int k = 0; k < reps; k++) {
                st.setString(1, pairs.get(k));
                List<BigDecimal> ranks = new ArrayList<>();
                long s = System.nanoTime();
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        rs.getString(1);
                        ranks.add(rs.getBigDecimal(2));
                    }
                }
                lat[k] = System.nanoTime() - s;
                naive.add(ranks);
                cnt.setString(1, pairs.get(k));
                try (ResultSet rs = cnt.executeQuery()) {
                    rs.next();
                    matches += rs.getLong(1);
                }
            }
        }
        int shared = 0;
        int naiveHits = 0;
        for (int k = 0; k < reps; k++) {
            List<BigDecimal> bounded = new ArrayList<>();
            for (JsonNode hit : search(pairs.get(k)).path("hits")) {
                bounded.add(hit.path("rank").decimalValue());
            }
            naiveHits += naive.get(k).size();
            for (BigDecimal r : naive.get(k)) {
                for (int b = 0; b < bounded.size(); b++) {
                    if (bounded.get(b).compareTo(r) == 0) {
                        bounded.remove(b);
                        shared++;
                        break;
                    }
                }
            }
        }
        Arrays.sort(lat);
        Map<String, Object> r = row("naive search (rank every match), " + cls + " word pairs, plain SQL",
                ms(lat[reps / 2]), ms(lat[(int) (reps * 0.95)]), ms(lat[reps - 1]), null, null, null, reps, 1);
        r.put("mean_matches_per_query", matches / reps);
        double overlap = naiveHits == 0 ? 1.0 : round((double) shared / naiveHits);
        r.put("naive_top10_in_search_top10", overlap);
        scenarios.add(r);
        System.out.printf("  measured %-62s p50 %8.2f ms (%d matches per query; %.0f %% of its top 10 in the search's)%n",
                r.get("name"), ms(lat[reps / 2]), matches / reps, overlap * 100);
    }

    /** The data of a search of the chunks across all sessions, through the app. */
    private JsonNode search(String query) throws Exception {
        HttpPost post = webhook(cmd("search", "bench-query", Map.of("query", query, "scope", "all",
                "kinds", List.of("chunks"), "limit", 10)));
        JsonNode reply = http.execute(post, res -> JSON.readTree(EntityUtils.toString(res.getEntity())));
        check("success".equals(reply.path("status").asText()), "search failed: " + reply);
        return reply.path("data");
    }

    /**
     * Webhook accepted -> worker starts it, on the server's clock: from the relay's insert
     * (received_at) to the start of the worker's transaction (worker_processed.processed_at),
     * for async store_memory webhooks from one client, 100 a second (unmeasured on the client).
     * It covers the intake's commit and the hand-off: all-in-one, a webhook the worker has a
     * free slot for is stored already leased and given to a worker thread; otherwise the
     * wake-up, the claim and its commit. A sync session command has no hand-off left to
     * measure: the transaction that applies it also stores it, so the two times are equal.
     */
    private void intakeToWorkerStart(int n) throws Exception {
        String session = "bench-handoff";
        check(post(cmd("create_session", session, Map.of("title", "hand-off"))) == 0, "create_session failed");
        for (int i = 0; i < n; i++) {
            long next = System.nanoTime() + 10_000_000L;
            check(send(cmd("store_memory", session, Map.of("type", "note", "content", "handed over " + i))
                    .replace("\"sync\":true", "\"sync\":false"), 202) == 0, "an async webhook was refused");
            java.util.concurrent.locks.LockSupport.parkNanos(next - System.nanoTime());   // no spinning: 2 cores
        }
        drain();
        try (Connection c = database.getConnection(); PreparedStatement st = c.prepareStatement("""
                SELECT percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY extract(epoch FROM p.processed_at - w.received_at) * 1000),
                       count(*)
                FROM relay_webhooks w JOIN worker_processed p ON p.webhook_id = w.id
                WHERE w.payload ->> 'session_id' = ? AND w.payload ->> 'command' = 'store_memory'""")) {
            st.setString(1, session);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                Double[] p = (Double[]) rs.getArray(1).getArray();
                scenarios.add(row("webhook accepted -> worker starts it (async, 100/s; server clock)", round(p[0]),
                        round(p[1]), round(p[2]), null, null, 2.0, rs.getInt(2), 1));
            }
        }
    }

    /** The same row as store_memory, written by plain JDBC on the same database. */
    private Map<String, Object> baseline() throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        try (Connection c = database.getConnection(); var st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS bench_rows (id bigserial PRIMARY KEY, session_id text, key text, "
                    + "type text, content jsonb, tags text[], created_at timestamptz DEFAULT now())");
        }
        int rows = full ? 20000 : 3000;
        String sql = "INSERT INTO bench_rows (session_id, key, type, content, tags) VALUES (?, ?, 'note', ?::jsonb, '{a,b}')";
        jdbcRate(sql, 500, 1, 1);   // warm-up
        out.put("jdbc_one_commit_per_row_1_conn_per_s", Math.round(jdbcRate(sql, rows, 1, 1)));
        out.put("jdbc_one_commit_per_row_16_conn_per_s", Math.round(jdbcRate(sql, rows, 16, 1)));
        out.put("jdbc_batched_100_per_commit_per_s", Math.round(jdbcRate(sql, rows * 5, 1, 100)));
        return out;
    }

    private double jdbcRate(String sql, int rows, int threads, int perCommit) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicInteger left = new AtomicInteger(rows);
        List<Connection> conns = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            conns.add(database.getConnection());
        }
        long t0 = System.nanoTime();
        List<Future<?>> fs = new ArrayList<>();
        for (Connection c : conns) {
            fs.add(pool.submit((Callable<Void>) () -> {
                try (c; PreparedStatement ps = c.prepareStatement(sql)) {
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

    interface ClientCall {
        int call(int client) throws Exception;
    }

    private void measure(String name, Integer targetMs, Double goalMs, int count, int clients, Callable<Integer> call)
            throws Exception {
        measureClients(name, targetMs, goalMs, count, clients, client -> call.call());
    }

    /**
     * Runs the scenario {@code rounds} times (after a short warm-up), each round {@code count}
     * requests from {@code clients} threads, and records the median round; the spread is the
     * lowest and highest round p50. Waits for the queue to be empty before each round.
     */
    private void measureClients(String name, Integer targetMs, Double goalMs, int count, int clients, ClientCall call)
            throws Exception {
        for (int i = 0; i < Math.min(100, count / 5); i++) {
            call.call(i % clients);
        }
        List<double[]> results = new ArrayList<>();   // p50, p95, p99, ops
        int failures = 0;
        long[] cpu = new long[5];   // ms of CPU in the rounds: app, its database, this client, app's JIT, client's JIT
        for (int round = 0; round < rounds; round++) {
            drain();
            long[] cpuBefore = cpuNow();
            long[] lat = new long[count];
            AtomicInteger next = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            long t0 = System.nanoTime();
            List<Future<?>> fs = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                fs.add(pool.submit((Callable<Void>) () -> {
                    int i;
                    while ((i = next.getAndIncrement()) < count) {
                        long s = System.nanoTime();
                        if (call.call(client) != 0) {
                            failed.incrementAndGet();
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
            long[] cpuAfter = cpuNow();
            for (int k = 0; k < cpu.length; k++) {
                // below 0 only if a compiler thread ended, taking its time with it (the compiler
                // figures then read low; on two cores the JDK keeps its one C1 and one C2 thread)
                cpu[k] += Math.max(0, cpuAfter[k] - cpuBefore[k]);
            }
            pool.shutdown();
            Arrays.sort(lat);
            results.add(new double[] {ms(lat[count / 2]), ms(lat[(int) (count * 0.95)]),
                    ms(lat[Math.min(count - 1, (int) (count * 0.99))]), count / seconds});
            failures += failed.get();
        }
        results.sort((a, b) -> Double.compare(a[0], b[0]));
        double[] median = results.get(results.size() / 2);
        Map<String, Object> r = row(name, median[0], median[1], median[2], (double) Math.round(median[3]), targetMs, goalMs,
                count, clients);
        r.put("rounds", rounds);
        r.put("p50_spread_ms", List.of(results.get(0)[0], results.get(results.size() - 1)[0]));
        r.put("failures", failures);
        double requests = (double) count * rounds;
        if (clients > 1) {
            // where the machine's cores went, per request (the rounds only; /proc's 10 ms ticks)
            // the JIT compilers' threads are part of their JVM's figure: a short run's warm-up shows there
            r.put("cpu_ms_per_request", Map.of("app", round(cpu[0] / requests), "database", round(cpu[1] / requests),
                    "client", round(cpu[2] / requests), "app_jit_compiler", round(cpu[3] / requests),
                    "client_jit_compiler", round(cpu[4] / requests)));
        }
        scenarios.add(r);
        System.out.printf("  measured %-62s p50 %8.2f ms (rounds %.2f..%.2f)  %6.0f/s%n", name, median[0],
                results.get(0)[0], results.get(results.size() - 1)[0], median[3]);
        if (clients > 1) {
            System.out.printf("           CPU ms per request: app %.2f (its JIT compiler %.2f), database %.2f, client %.2f"
                    + " (its JIT compiler %.2f)%n", cpu[0] / requests, cpu[3] / requests, cpu[1] / requests,
                    cpu[2] / requests, cpu[4] / requests);
        }
    }

    private static Map<String, Object> row(String name, double p50, double p95, double p99, Double ops, Integer targetMs,
                                           Double goalMs, int requests, int clients) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("name", name);
        r.put("p50_ms", p50);
        r.put("p95_ms", p95);
        r.put("p99_ms", p99);
        r.put("ops_per_s", ops);
        r.put("target_ms", targetMs);
        r.put("goal_p50_ms", goalMs);
        r.put("requests", requests);
        r.put("clients", clients);
        return r;
    }

    private double opsOf(String name) {
        return scenarios.stream().filter(s -> s.get("name").equals(name)).map(s -> ((Number) s.get("ops_per_s")).doubleValue())
                .findFirst().orElse(0.0);
    }

    /** Waits until the relay holds no queued or processing webhook (async work from earlier scenarios). */
    private void drain() throws Exception {
        if (!workerRuns) {
            return;
        }
        long deadline = System.currentTimeMillis() + 600_000;
        while (count("SELECT count(*) FROM relay_webhooks WHERE status IN ('queued', 'processing')") > 0) {
            check(System.currentTimeMillis() < deadline, "the queue did not drain in 10 minutes");
            Thread.sleep(50);
        }
    }

    private long count(String sql) throws Exception {
        try (Connection c = database.getConnection(); var st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private String cmd(String command, String session, Map<String, ?> data) throws Exception {
        return JSON.writeValueAsString(Map.of("type", "collaborative_session_command", "command", command,
                "session_id", session, "sync", true, "data", data));
    }

    /** 0 when the command succeeded. */
    private int post(String body) throws Exception {
        return send(body, 200);
    }

    /** A POST /webhook of this JSON body, with the API key. */
    private HttpPost webhook(String body) {
        HttpPost post = new HttpPost(base + "/webhook");
        post.setHeader("X-API-Key", TestClient.API_KEY);
        post.setEntity(new StringEntity(body, ContentType.APPLICATION_JSON.withCharset(StandardCharsets.UTF_8)));
        return post;
    }

    private int send(String body, int expected) throws Exception {
        return http.execute(webhook(body), r -> {
            String text = EntityUtils.toString(r.getEntity());
            if (r.getCode() != expected) {
                return 1;
            }
            if (expected == 200) {
                JsonNode node = JSON.readTree(text);
                return "success".equals(node.path("status").asText()) ? 0 : 1;
            }
            return 0;
        });
    }

    private void print(Map<String, Object> baseline, Map<String, Object> settings) {
        System.out.println();
        System.out.printf("%-78s %8s %8s %8s %8s %7s %7s %5s%n", "scenario (median of rounds)", "p50 ms", "p95 ms", "p99 ms",
                "ops/s", "target", "goal", "fail");
        for (Map<String, Object> s : scenarios) {
            System.out.printf("%-78s %8s %8s %8s %8s %7s %7s %5s%n", s.get("name"), s.get("p50_ms"), s.get("p95_ms"),
                    s.get("p99_ms"), s.get("ops_per_s") == null ? "-" : s.get("ops_per_s"),
                    s.get("target_ms") == null ? "-" : "<" + s.get("target_ms"),
                    s.get("goal_p50_ms") == null ? "-" : "<=" + s.get("goal_p50_ms"),
                    s.getOrDefault("failures", "-"));
        }
        System.out.println();
        baseline.forEach((k, v) -> System.out.printf("baseline %-45s %s%n", k, v));
        data.forEach((k, v) -> System.out.printf("data     %-45s %s%n", k, v));
        settings.forEach((k, v) -> System.out.printf("setting  %-45s %s%n", k, v));
        for (String prefix : List.of("", "relay_")) {
            if (Boolean.FALSE.equals(data.get(prefix + "warm_up_quiet"))) {
                System.out.printf("NOTE: the %s's JIT compiler was still at work when its warm-up cap ended it: its rows"
                        + " measure part of the JIT's warm-up (BENCH_SCALE=full waits longer)%n", prefix.isEmpty() ? "app" : "relay");
            }
        }
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalStateException("Benchmark check failed: " + message);
        }
    }

    private static String fmt(long n) {
        return String.format("%,d", n);
    }

    private static double ms(long nanos) {
        return Math.round(nanos / 10_000.0) / 100.0;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    /**
     * What the app costs while nobody calls it, after all the traffic above: the CPU its pollers
     * and timers use over 10 s, the app's process and PostgreSQL's (the server runs detached from
     * the app, OrphanedPostgres: its own process tree), beside the task rows they poll past
     * (every git status is recorded).
     */
    private void idleCost(AppProcess app) throws Exception {
        Thread.sleep(2000);   // the last commits and the async backlog's reports settle
        ProcessHandle postgres = app.embeddedPostgres().orElseThrow();
        long appBefore = cpuMillis(app.handle());
        long pgBefore = cpuMillis(postgres);
        Thread.sleep(10_000);
        long appMs = cpuMillis(app.handle()) - appBefore;
        long pgMs = cpuMillis(postgres) - pgBefore;
        // ms of CPU in 10,000 ms, as a percentage of one core
        data.put("idle_cpu_percent_of_one_core", round((appMs + pgMs) / 100.0));
        data.put("idle_cpu_percent_of_one_core_app", round(appMs / 100.0));
        data.put("idle_cpu_percent_of_one_core_database", round(pgMs / 100.0));
        data.put("idle_tasks_recorded", count("SELECT count(*) FROM tasks"));
    }

    /**
     * CPU time used so far by a process and the processes under it, in ms: each live one's own,
     * plus what its ended children used (the root's cutime and cstime), so a backend that ends
     * between two readings is still counted, once.
     */
    private static long cpuMillis(ProcessHandle root) {
        long ms = 0;
        for (ProcessHandle p : Stream.concat(Stream.of(root), root.descendants()).toList()) {
            try {
                ms += ProcStat.cpuMillis(Path.of("/proc", String.valueOf(p.pid()), "stat"), p.equals(root));
            } catch (IOException | RuntimeException gone) {
                // a process that ended meanwhile: counted in its parent's cutime
            }
        }
        return ms;
    }

    /**
     * CPU used so far, in ms: the app's process, its embedded PostgreSQL, this benchmark's JVM,
     * and the JIT compiler threads of the app and of this JVM (parts of the first and third).
     */
    private long[] cpuNow() throws IOException {
        // this JVM's own CPU only: the app it launched is a process under it
        return new long[] {cpuMillis(app.handle()), app.embeddedPostgres().map(Benchmark::cpuMillis).orElse(0L),
                ProcessHandle.current().info().totalCpuDuration().map(Duration::toMillis).orElse(0L),
                compiler.read().cpuMillis(), clientCompiler.read().cpuMillis()};
    }

    /** Launch to the first healthy {@code /health}, in ms. */
    private static long timedStart(AppProcess app) throws IOException, InterruptedException {
        long t = System.nanoTime();
        app.start();
        return Math.round((System.nanoTime() - t) / 1e6);
    }

    /** The middle value (of an even count, the upper of the middle two). */
    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    /** A process's peak resident memory so far (VmHWM), in MB. */
    private static long peakRssMb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        return -1;
    }

    private static void run(Path dir, String... cmd) throws Exception {
        new ProcessBuilder(cmd).directory(dir.toFile()).inheritIO().start().waitFor();
    }
}
