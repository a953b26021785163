package dev.aiwebhook;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC §7, "survives a database restart": the real jar on an external PostgreSQL (DATABASE_URL)
 * that is stopped while webhooks keep coming. Meanwhile the relay answers 503 with Retry-After,
 * at once, never a hang or a 500; when the database is back the app reconnects by itself, and
 * every acknowledged webhook is applied exactly once.
 */
class DatabaseRestartIT {

    @RegisterExtension
    final AppProcesses apps = new AppProcesses();
    private EmbeddedPostgres database;

    @AfterEach
    void stopDatabase() throws Exception {
        if (database != null) {
            database.close();
        }
    }

    @Test
    void theRelayAnswers503WhileTheDatabaseIsDownAndNothingIsLostOrDoubledWhenItReturns() throws Exception {
        int dbPort = freePort();
        Path dbDir = Files.createDirectories(Path.of(System.getProperty("it.dir", "target/it")))
                .resolve("external-pg-" + dbPort).toAbsolutePath();
        database = startDatabase(dbPort, dbDir);
        AppProcess app = apps.add(AppProcess.allInOne("db-restart")
                .with("DATABASE_URL", "postgresql://postgres@localhost:" + dbPort + "/postgres")
                .with("LEASE", "5s")).start();
        TestClient client = app.client();
        assertThat(client.command("create_session", "db-restart", Map.of("title", "database restarted")).status())
                .isEqualTo(200);

        Map<Integer, String> accepted = new ConcurrentHashMap<>();
        Map<Integer, Integer> unavailable = new ConcurrentHashMap<>(); // request -> Retry-After seconds
        Map<Integer, String> otherReplies = new ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        AtomicBoolean sending = new AtomicBoolean(true);
        ExecutorService senders = Executors.newFixedThreadPool(4);
        for (int t = 0; t < 4; t++) {
            senders.submit(() -> {
                while (sending.get()) {
                    int n = next.getAndIncrement();
                    TestClient.Reply reply;
                    try {
                        reply = client.webhook(storeMemory(n));
                    } catch (IllegalStateException e) {
                        otherReplies.put(n, String.valueOf(e.getCause()));
                        continue;
                    }
                    if (reply.status() == 202) {
                        accepted.put(n, reply.body().path("id").asText());
                    } else if (reply.status() == 503) {
                        unavailable.put(n, Integer.parseInt(
                                reply.raw().headers().firstValue("Retry-After").orElse("-1")));
                    } else {
                        otherReplies.put(n, reply.toString());
                    }
                }
                return null;
            });
        }

        AppProcess.await("webhooks flow", Duration.ofSeconds(60), () -> accepted.size() >= 50);
        database.close();
        database = null;
        AppProcess.await("the relay answers 503 while the database is down", Duration.ofSeconds(120),
                () -> unavailable.size() >= 4);
        database = startDatabase(dbPort, dbDir);
        int acceptedBeforeReturn = accepted.size();
        AppProcess.await("webhooks are accepted again", Duration.ofSeconds(120),
                () -> accepted.size() >= acceptedBeforeReturn + 50);
        sending.set(false);
        senders.shutdown();
        assertThat(senders.awaitTermination(120, TimeUnit.SECONDS)).isTrue();

        JdbcTemplate db = new JdbcTemplate(database.getPostgresDatabase());
        AppProcess.await("every acknowledged webhook is completed", Duration.ofSeconds(180), () ->
                db.queryForObject("SELECT count(*) FROM relay_webhooks WHERE status = 'completed' AND id = ANY (?)",
                        Integer.class, (Object) accepted.values().toArray(String[]::new)) == accepted.size());
        int lost = 0;
        for (int n : accepted.keySet()) {
            lost += db.queryForObject("SELECT count(*) FROM memories WHERE session_id = 'db-restart' AND key = ?",
                    Integer.class, key(n)) == 1 ? 0 : 1;
        }
        int duplicated = db.queryForObject("SELECT count(*) FROM memory_versions WHERE session_id = 'db-restart'",
                Integer.class);
        int stored = db.queryForObject("SELECT count(*) FROM memories WHERE session_id = 'db-restart'", Integer.class);
        long interrupted = app.logCount("failed, the relay will retry it");
        System.out.printf("CRASH-SUMMARY test=database-restart sent=%d accepted=%d unavailable=%d other=%d "
                + "db-restarts=1 interrupted-mid-command=%d stored=%d lost=%d duplicated=%d%n", next.get(),
                accepted.size(), unavailable.size(), otherReplies.size(), interrupted, stored, lost, duplicated);

        assertThat(otherReplies).as("replies other than 202 and 503").isEmpty();
        assertThat(unavailable.values()).as("every 503 says when to retry").allMatch(seconds -> seconds > 0);
        assertThat(lost).as("acknowledged webhooks without their memory").isZero();
        assertThat(duplicated).as("memories written twice").isZero();
        // a request whose commit went through just as the database stopped may have been answered
        // 503 nonetheless (the acknowledgement was lost): stored, never more than once
        assertThat(stored).isBetween(accepted.size(), next.get());
        assertThat(db.queryForObject("SELECT memory_count FROM sessions WHERE session_id = 'db-restart'",
                Integer.class)).isEqualTo(stored);
    }

    private static EmbeddedPostgres startDatabase(int port, Path dir) throws Exception {
        return EmbeddedPostgres.builder().setPort(port).setDataDirectory(dir).setCleanDataDirectory(false)
                .setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on").start();
    }

    private static String key(int n) {
        return String.format("d-%05d", n);
    }

    private static String storeMemory(int n) {
        return TestClient.json(Map.of("type", "collaborative_session_command", "command", "store_memory",
                "session_id", "db-restart", "data", Map.of("type", "fact", "key", key(n), "content", Map.of("n", n))));
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
