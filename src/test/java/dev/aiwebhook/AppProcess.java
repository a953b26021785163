package dev.aiwebhook;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import javax.sql.DataSource;

import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The real jar ({@code target/ai-webhook-*.jar}) as a separate operating-system process, the way
 * a user runs it: environment variables, a DATA_DIR, a port. It can be stopped politely
 * (SIGTERM), killed (SIGKILL: no shutdown hook, no cleanup) and started again on the same
 * DATA_DIR and port. Each launch writes its output to {@code target/it/<name>/launch-<n>.log}.
 *
 * <p>{@link #close()} kills the app and any embedded PostgreSQL it left running, so a failed
 * test leaves no process behind.
 */
public final class AppProcess implements AutoCloseable {

    private static final Path JAR = Path.of(System.getProperty("app.jar", "target/ai-webhook-0.1.0-SNAPSHOT.jar"));
    /**
     * The deployment layout the build makes beside the jar (README, "Deployment"): the jar
     * extracted to {@code target/app/ai-webhook.jar} and {@code lib/}, with the class data archive
     * of a training run, {@code ai-webhook.jsa}.
     */
    public static final Path LAYOUT = Path.of(System.getProperty("app.layout", "target/app"));
    public static final Path LAYOUT_JAR = LAYOUT.resolve("ai-webhook.jar");
    public static final Path CLASS_DATA_ARCHIVE = LAYOUT.resolve("ai-webhook.jsa");
    /** The JVM running the tests, not whichever java is first on the PATH. */
    static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");
    private static final Path WORK = Path.of(System.getProperty("it.dir", "target/it"));
    private static final Duration STARTUP = Duration.ofSeconds(180);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** Settings of the machine running the build that must not leak into the app under test. */
    static final List<String> INHERITED_SETTINGS = List.of("PORT", "APP_ROLE", "API_KEY", "WORKER_TOKEN",
            "RELAY_URL", "DATABASE_URL", "DATA_DIR", "LEASE", "MAX_ATTEMPTS", "WORKER_ID", "WORKER_CONCURRENCY",
            "WORKER_APPLY_CONCURRENCY", "WORKER_APPLY_WAIT", "WORKER_APPLY_GROUP", "WORKER_APPLY_LINGER",
            "WORKER_YIELD_MAX");

    private final String name;
    private final Path home;
    private static final Random PORTS = new Random();
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private final int port;
    private final Map<String, String> env = new LinkedHashMap<>();
    /** Quick to start and small, for tests; {@link #asUserRunsIt()} drops them. */
    private List<String> jvmOptions = List.of("-Xmx512m", "-XX:TieredStopAtLevel=1");
    private Path jar = JAR;
    private Process process;
    private Path log;
    private int launches;

    private AppProcess(String name, String role) throws IOException {
        this.name = name;
        Files.createDirectories(WORK);
        this.home = Files.createTempDirectory(WORK, name + "-").toAbsolutePath();
        this.port = freePort();
        env.put("APP_ROLE", role);
        env.put("DATA_DIR", home.resolve("data").toString());
        env.put("ROUTES_DIR", Path.of("routes").toAbsolutePath().toString());
        env.put("API_KEY", TestClient.API_KEY);
        env.put("WORKER_TOKEN", TestClient.WORKER_TOKEN);
        env.put("RATE_LIMIT_PER_MINUTE", "0");
        env.put("WORKER_CLAIM_WAIT", "2s");
        env.put("WORKER_ID", name);
    }

    /** Relay and worker in one process, on an embedded PostgreSQL under its own DATA_DIR. */
    public static AppProcess allInOne(String name) throws IOException {
        return new AppProcess(name, "all");
    }

    /** The relay alone (APP_ROLE=relay), on an embedded PostgreSQL under its own DATA_DIR. */
    public static AppProcess relay(String name) throws IOException {
        return new AppProcess(name, "relay");
    }

    /** A worker that claims from {@code relay}, with its own embedded database. */
    static AppProcess worker(String name, AppProcess relay) throws IOException {
        return new AppProcess(name, "worker").with("RELAY_URL", relay.url());
    }

    /** An environment variable for every later launch. */
    public AppProcess with(String variable, String value) {
        env.put(variable, value);
        return this;
    }

    /**
     * Launched as the README deploys it: the extracted layout with its class data archive
     * ({@code java -XX:SharedArchiveFile=target/app/ai-webhook.jsa -jar target/app/ai-webhook.jar}),
     * no other JVM option, and the app's own default for the settings the tests shorten.
     */
    public AppProcess asUserRunsIt() {
        return fromLayout(List.of("-XX:SharedArchiveFile=" + CLASS_DATA_ARCHIVE.toAbsolutePath()));
    }

    /** The extracted layout ({@link #LAYOUT_JAR}) with exactly these JVM options, and the app's defaults. */
    public AppProcess fromLayout(List<String> jvmOptions) {
        return fromLayout(LAYOUT, jvmOptions);
    }

    /** A copy of the extracted layout in {@code folder}, with exactly these JVM options, and the app's defaults. */
    public AppProcess fromLayout(Path folder, List<String> jvmOptions) {
        this.jar = folder.resolve(LAYOUT_JAR.getFileName());
        this.jvmOptions = List.copyOf(jvmOptions);
        env.remove("WORKER_CLAIM_WAIT");
        return this;
    }

    /** Launches the jar and waits until GET /health answers. */
    public AppProcess start() throws IOException, InterruptedException {
        launch();
        awaitHealthy();
        return this;
    }

    /**
     * Starts several apps at once (a worker need not wait for its relay: it retries the claim),
     * which is quicker than one after the other; returns when all of them answer.
     */
    static void startTogether(AppProcess... apps) throws IOException, InterruptedException {
        for (AppProcess app : apps) {
            app.launch();
        }
        for (AppProcess app : apps) {
            app.awaitHealthy();
        }
    }

    private void launch() throws IOException {
        if (isAlive()) {
            throw new IllegalStateException(name + " is already running");
        }
        launches++;
        log = home.resolve("launch-" + launches + ".log");
        List<String> command = new ArrayList<>(List.of(JAVA.toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toAbsolutePath().toString(), "--server.port=" + port));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        INHERITED_SETTINGS.forEach(pb.environment()::remove);
        pb.environment().putAll(env);
        process = pb.start();
    }

    private void awaitHealthy() throws InterruptedException {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (!healthy()) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " while starting:\n"
                        + logTail(60));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " did not become healthy in " + STARTUP + ":\n" + logTail(60));
            }
            Thread.sleep(20);
        }
    }

    /** SIGKILL: the process ends at once; nothing of it runs any more, no shutdown hook either. */
    void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** SIGTERM: a graceful shutdown, as a service manager does it. */
    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    String name() {
        return name;
    }

    public String url() {
        return "http://localhost:" + port;
    }

    /** This app's folder: its DATA_DIR and its launch logs are inside. */
    public Path home() {
        return home;
    }

    /** The operating-system process of the current launch. */
    public ProcessHandle handle() {
        return process.toHandle();
    }

    public TestClient client() {
        return new TestClient(port);
    }

    /**
     * The embedded database of this app, reached on the port PostgreSQL wrote in its
     * {@code postmaster.pid} (the embedded server trusts local connections). Also usable after the
     * app was killed: its PostgreSQL may outlive it.
     */
    JdbcTemplate database() throws IOException {
        return new JdbcTemplate(dataSource());
    }

    /** The same database as {@link #database()}, for plain JDBC. */
    public DataSource dataSource() throws IOException {
        List<String> pid = Files.readAllLines(pgData().resolve("postmaster.pid"));
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {"localhost"});
        ds.setPortNumbers(new int[] {Integer.parseInt(pid.get(3).trim())});
        ds.setDatabaseName("postgres");
        ds.setUser("postgres");
        return ds;
    }

    /** The PostgreSQL server process on this app's DATA_DIR, if one runs (whether or not the app does). */
    public Optional<ProcessHandle> embeddedPostgres() throws IOException {
        return postgresOn(pgData());
    }

    /** The PostgreSQL server process on this PostgreSQL data directory, if one runs. */
    static Optional<ProcessHandle> postgresOn(Path pgData) throws IOException {
        Path pidFile = pgData.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        List<String> lines = Files.readAllLines(pidFile);
        if (lines.isEmpty() || lines.get(0).isBlank()) {
            return Optional.empty();
        }
        return ProcessHandle.of(Long.parseLong(lines.get(0).trim())).filter(ProcessHandle::isAlive);
    }

    boolean logContains(String text) throws IOException {
        return logCount(text) > 0;
    }

    /** How many lines of the current launch's output contain {@code text}. */
    long logCount(String text) throws IOException {
        return logLines(text).size();
    }

    /** The lines of the current launch's output that contain {@code text}. */
    List<String> logLines(String text) throws IOException {
        if (log == null || !Files.exists(log)) {
            return List.of();
        }
        try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
            return lines.filter(l -> l.contains(text)).toList();
        }
    }

    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return "---- " + log + " (last " + lines + " lines)\n"
                    + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (Exception e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Kills the app and the PostgreSQL it may have left running. */
    @Override
    public void close() throws Exception {
        kill();
        Optional<ProcessHandle> pg = embeddedPostgres();
        if (pg.isPresent()) {
            pg.get().destroy();
            try {
                pg.get().onExit().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                pg.get().descendants().forEach(ProcessHandle::destroyForcibly);
                pg.get().destroyForcibly();
            }
        }
    }

    /** Polls {@code condition} every 100 ms until it holds; fails with {@code what} after {@code timeout}. */
    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + timeout + " waiting until " + what);
            }
            Thread.sleep(100);
        }
    }

    private Path pgData() {
        return Path.of(env.get("DATA_DIR")).resolve("postgres");
    }

    private boolean healthy() {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/health"))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * A free port below the system's range of ephemeral ports, the one an app's embedded
     * PostgreSQL gets its port from: another app of the same test (split roles) must not find
     * its port taken by this one's database before it binds it. Never the same port twice in
     * one test JVM (an app not yet listening on its port leaves it looking free).
     */
    private static int freePort() throws IOException {
        int below = ephemeralRangeStart();
        int from = Math.max(1_024, Math.min(10_000, below - 10_000));
        if (below - from < 1_000) {
            // no room below the range: take one the system hands out
            for (int tries = 0; tries < 100; tries++) {
                try (ServerSocket s = new ServerSocket(0)) {
                    if (HANDED_OUT.add(s.getLocalPort())) {
                        return s.getLocalPort();
                    }
                }
            }
            throw new IOException("No free port the tests have not handed out already");
        }
        for (int tries = 0; tries < 100; tries++) {
            int candidate = from + PORTS.nextInt(below - from);
            if (HANDED_OUT.contains(candidate)) {
                continue;
            }
            try (ServerSocket s = new ServerSocket(candidate)) {
                HANDED_OUT.add(candidate);
                return candidate;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("No free port in [" + from + ", " + below + ")");
    }

    private static int ephemeralRangeStart() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32_768;   // Linux's default
        }
    }

    @Override
    public String toString() {
        return name + " (" + env.get("APP_ROLE") + ", " + url() + ")";
    }
}
