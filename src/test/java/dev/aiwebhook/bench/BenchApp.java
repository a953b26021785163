package dev.aiwebhook.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * The real app for the benchmark: {@code java -jar} of the built jar, all-in-one, with the
 * defaults a user gets (embedded PostgreSQL under its own DATA_DIR, fsync on), as a process of
 * its own, so its startup time and peak memory are its own.
 */
final class BenchApp implements AutoCloseable {

    static final String KEY = "bench-key";

    private final Process process;
    private final Path dataDir;
    final int port;
    final double startupMs;

    private BenchApp(Process process, Path dataDir, int port, double startupMs) {
        this.process = process;
        this.dataDir = dataDir;
        this.port = port;
        this.startupMs = startupMs;
    }

    static BenchApp start(Path jar, Path dataDir, Path tasksRoot) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "-jar", jar.toString(), "--logging.level.root=WARN");
        pb.environment().keySet().removeIf(k -> List.of("DATABASE_URL", "RELAY_URL", "APP_ROLE", "WORKER_TOKEN").contains(k));
        pb.environment().put("PORT", String.valueOf(port));
        pb.environment().put("DATA_DIR", dataDir.toString());
        pb.environment().put("API_KEY", KEY);
        pb.environment().put("TASKS_ROOTS", tasksRoot.toString());
        pb.environment().put("RATE_LIMIT_PER_MINUTE", "0");
        pb.environment().put("ROUTES_DIR", Path.of("routes").toAbsolutePath().toString());
        pb.redirectErrorStream(true).redirectOutput(dataDir.resolve("app.log").toFile());
        Files.createDirectories(dataDir);
        long t0 = System.nanoTime();
        Process p = pb.start();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.currentTimeMillis() + 180_000;
        while (true) {
            if (!p.isAlive()) {
                throw new IllegalStateException("The app stopped during startup; see " + dataDir.resolve("app.log"));
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/health"))
                        .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    break;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (System.currentTimeMillis() > deadline) {
                p.destroyForcibly();
                throw new IllegalStateException("The app did not become healthy in 180 s");
            }
            Thread.sleep(20);
        }
        return new BenchApp(p, dataDir, port, (System.nanoTime() - t0) / 1e6);
    }

    /** A plain JDBC connection to the app's embedded PostgreSQL (its port is in postmaster.pid). */
    Connection jdbc() throws IOException, SQLException {
        List<String> pid = Files.readAllLines(dataDir.resolve("postgres").resolve("postmaster.pid"));
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + pid.get(3).trim() + "/postgres", "postgres", "");
    }

    /** The JVM's peak resident memory so far (VmHWM), in MB. */
    long peakRssMb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        return -1;
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
