package dev.aiwebhook;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC §7 against the real jar, killed with SIGKILL (no shutdown hook, no cleanup): a webhook the
 * relay acknowledged is never lost, and its effect is applied exactly once, also when the kill
 * lands in the middle of a burst or in the middle of a batch of 100 commands.
 */
class CrashIT {

    private static final Duration REDELIVERY = Duration.ofSeconds(120);

    @RegisterExtension
    final AppProcesses apps = new AppProcesses();

    @Test
    void everyAcceptedWebhookIsAppliedExactlyOnceThoughTheAppIsKilledMidBurstThreeTimes() throws Exception {
        AppProcess app = apps.add(AppProcess.allInOne("burst").with("LEASE", "5s")).start();
        TestClient client = app.client();
        assertThat(client.command("create_session", "burst", Map.of("title", "killed mid-burst")).status())
                .isEqualTo(200);

        // Each round: 100 webhooks from 8 clients, SIGKILL once half of them are acknowledged,
        // then a restart on the same DATA_DIR, which finds the killed app's PostgreSQL still
        // running; the next round's kill lands while the earlier rounds' backlog is being applied.
        int rounds = 3;
        int perRound = 100;
        Map<Integer, String> accepted = new ConcurrentHashMap<>();
        AtomicInteger unacknowledged = new AtomicInteger();
        List<String> atKills = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            if (round > 0) {
                app.start();
            }
            burstThenKill(app, round * perRound, perRound, accepted, unacknowledged);
            assertThat(app.embeddedPostgres()).as("the killed app's PostgreSQL, still running on its DATA_DIR")
                    .isPresent();
            Map<String, Object> left = app.database().queryForMap("SELECT count(*) FILTER (WHERE status = 'queued') "
                    + "AS queued, count(*) FILTER (WHERE status = 'processing') AS leased FROM relay_webhooks");
            atKills.add(left.get("queued") + "q/" + left.get("leased") + "l");
        }
        Map<Integer, String> acknowledged = Map.copyOf(accepted);

        app.start(); // it must stop the PostgreSQL the killed app left behind, then recover
        JdbcTemplate db = app.database();
        AppProcess.await("every acknowledged webhook is completed", REDELIVERY,
                () -> countCompleted(db, acknowledged.values()) == acknowledged.size());

        for (String id : acknowledged.values()) {
            TestClient.Reply status = client.get("/webhook/" + id, Map.of("X-API-Key", TestClient.API_KEY));
            assertThat(status.body().path("status").asText()).as(status.toString()).isEqualTo("completed");
        }
        int lost = 0;
        for (int n : acknowledged.keySet()) {
            Integer rows = db.queryForObject("SELECT count(*) FROM memories WHERE session_id = 'burst' AND key = ?",
                    Integer.class, key(n));
            lost += rows == 1 ? 0 : 1;
        }
        int duplicated = db.queryForObject(
                "SELECT count(*) FROM memories WHERE session_id = 'burst' AND version > 1", Integer.class)
                + db.queryForObject("SELECT count(*) FROM memory_versions WHERE session_id = 'burst'", Integer.class);
        int stored = db.queryForObject("SELECT count(*) FROM memories WHERE session_id = 'burst'", Integer.class);
        int sent = rounds * perRound;
        System.out.printf("CRASH-SUMMARY test=kill-mid-burst sent=%d accepted=%d unacknowledged=%d kills=%d "
                + "queued/leased-at-each-kill=%s stored=%d lost=%d duplicated=%d%n", sent, acknowledged.size(),
                unacknowledged.get(), rounds, String.join(",", atKills), stored, lost, duplicated);

        assertThat(lost).as("acknowledged webhooks without their memory").isZero();
        assertThat(duplicated).as("memories written twice").isZero();
        // an unacknowledged request may still have been committed just before the kill: never more than sent
        assertThat(stored).isBetween(acknowledged.size(), sent);
        assertThat(db.queryForObject("SELECT memory_count FROM sessions WHERE session_id = 'burst'", Integer.class))
                .as("the session's counter").isEqualTo(stored);
    }

    /** {@code count} async store_memory webhooks from 8 clients; SIGKILL once half are acknowledged. */
    private static void burstThenKill(AppProcess app, int first, int count, Map<Integer, String> accepted,
            AtomicInteger unacknowledged) throws Exception {
        TestClient client = app.client();
        CountDownLatch halfAccepted = new CountDownLatch(count / 2);
        ExecutorService senders = Executors.newFixedThreadPool(8);
        for (int n = first; n < first + count; n++) {
            String body = storeMemory("burst", key(n), n);
            int index = n;
            senders.submit(() -> {
                try {
                    TestClient.Reply reply = client.webhook(body);
                    if (reply.status() == 202) {
                        accepted.put(index, reply.body().path("id").asText());
                        halfAccepted.countDown();
                        return;
                    }
                } catch (IllegalStateException connectionLost) {
                    // in flight when the app died: never acknowledged
                }
                unacknowledged.incrementAndGet();
            });
        }
        assertThat(halfAccepted.await(120, TimeUnit.SECONDS)).as("half the burst acknowledged").isTrue();
        app.kill();
        senders.shutdown();
        assertThat(senders.awaitTermination(120, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aWorkerKilledInTheMiddleOfABatchLeavesNothingAndTheRedeliveryAppliesItOnce() throws Exception {
        AppProcess relay = apps.add(AppProcess.relay("batch-relay").with("LEASE", "5s"));
        AppProcess worker = apps.add(AppProcess.worker("batch-worker", relay));
        AppProcess.startTogether(relay, worker);
        TestClient client = relay.client();
        assertThat(client.command("create_session", "batch-crash", Map.of("title", "killed mid-batch")).status())
                .isEqualTo(200);
        assertThat(client.command("store_memory", "batch-crash",
                Map.of("type", "note", "key", "blocker", "content", "first version")).status()).isEqualTo(200);

        // The batch writes b-000..b-049, then updates "blocker", whose row this test holds locked,
        // so the worker stops there, mid-transaction, with 50 memories written and not committed.
        String webhookId;
        JdbcTemplate db = worker.database();
        try (Connection lock = db.getDataSource().getConnection()) {
            lock.setAutoCommit(false);
            try (PreparedStatement s = lock.prepareStatement(
                    "SELECT 1 FROM memories WHERE session_id = 'batch-crash' AND key = 'blocker' FOR UPDATE")) {
                s.executeQuery().close();
            }
            TestClient.Reply queued = client.webhook(batchOf100("batch-crash"));
            assertThat(queued.status()).as(queued.toString()).isEqualTo(202);
            webhookId = queued.body().path("id").asText();
            AppProcess.await("the batch waits on the locked memory, half applied", Duration.ofSeconds(60),
                    () -> db.queryForObject("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                            + "AND query LIKE '%INSERT INTO memories%'", Integer.class) == 1);

            worker.kill();
            lock.rollback();
        }

        assertThat(db.queryForObject("SELECT count(*) FROM memories WHERE session_id = 'batch-crash' "
                + "AND key LIKE 'b-%'", Integer.class)).as("memories of the killed batch").isZero();
        TestClient.Reply meanwhile = client.get("/webhook/" + webhookId, Map.of("X-API-Key", TestClient.API_KEY));
        assertThat(meanwhile.body().path("status").asText()).as(meanwhile.toString()).isEqualTo("processing");

        worker.start(); // the same worker, on the database the killed one left behind
        AppProcess.await("the batch is redelivered and completed", REDELIVERY, () -> "completed".equals(
                client.get("/webhook/" + webhookId, Map.of("X-API-Key", TestClient.API_KEY))
                        .body().path("status").asText()));

        TestClient.Reply done = client.get("/webhook/" + webhookId, Map.of("X-API-Key", TestClient.API_KEY));
        assertThat(done.body().path("attempts").asInt()).as("delivered twice").isEqualTo(2);
        assertThat(done.body().path("result").path("data").path("processed").asInt()).isEqualTo(100);
        JdbcTemplate after = worker.database();
        int batchRows = after.queryForObject("SELECT count(*) FROM memories WHERE session_id = 'batch-crash' "
                + "AND key LIKE 'b-%' AND version = 1", Integer.class);
        int blockerVersion = after.queryForObject("SELECT version FROM memories WHERE session_id = 'batch-crash' "
                + "AND key = 'blocker'", Integer.class);
        int history = after.queryForObject("SELECT count(*) FROM memory_versions WHERE session_id = 'batch-crash'",
                Integer.class);
        System.out.printf("CRASH-SUMMARY test=kill-mid-batch sent=1 commands=100 kills=1 attempts=%d "
                + "lost=%d duplicated=%d%n", done.body().path("attempts").asInt(), 99 - batchRows,
                (blockerVersion - 2) + (history - 1));

        assertThat(batchRows).as("the batch's 99 new memories, each written once").isEqualTo(99);
        assertThat(blockerVersion).as("the updated memory, updated once").isEqualTo(2);
        assertThat(history).as("versions kept: the blocker's first").isEqualTo(1);
        assertThat(after.queryForObject("SELECT memory_count FROM sessions WHERE session_id = 'batch-crash'",
                Integer.class)).isEqualTo(100);
        assertThat(after.queryForObject("SELECT count(*) FROM worker_processed WHERE webhook_id = ?", Integer.class,
                webhookId)).isEqualTo(1);
    }

    @Test
    void aWorkerStoppedPolitelyMidBatchFinishesItBeforeItsDatabaseStops() throws Exception {
        AppProcess relay = apps.add(AppProcess.relay("polite-relay").with("LEASE", "5s"));
        AppProcess worker = apps.add(AppProcess.worker("polite-worker", relay));
        AppProcess.startTogether(relay, worker);
        TestClient client = relay.client();
        assertThat(client.command("create_session", "batch-crash", Map.of("title", "stopped mid-batch")).status())
                .isEqualTo(200);
        assertThat(client.command("store_memory", "batch-crash",
                Map.of("type", "note", "key", "blocker", "content", "first version")).status()).isEqualTo(200);

        String webhookId;
        JdbcTemplate db = worker.database();
        CompletableFuture<Void> stopping;
        try (Connection lock = db.getDataSource().getConnection()) {
            lock.setAutoCommit(false);
            try (PreparedStatement s = lock.prepareStatement(
                    "SELECT 1 FROM memories WHERE session_id = 'batch-crash' AND key = 'blocker' FOR UPDATE")) {
                s.executeQuery().close();
            }
            TestClient.Reply queued = client.webhook(batchOf100("batch-crash"));
            webhookId = queued.body().path("id").asText();
            AppProcess.await("the batch waits on the locked memory, half applied", Duration.ofSeconds(60),
                    () -> db.queryForObject("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                            + "AND query LIKE '%INSERT INTO memories%'", Integer.class) == 1);

            stopping = CompletableFuture.runAsync(() -> {
                try {
                    worker.stop(); // SIGTERM
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            AppProcess.await("the worker is shutting down", Duration.ofSeconds(60),
                    () -> logContains(worker, "Commencing graceful shutdown"));
            lock.rollback();
        } catch (java.sql.SQLException databaseGone) {
            throw new AssertionError("the worker's database stopped before the worker did", databaseGone);
        }
        stopping.get(120, TimeUnit.SECONDS);

        TestClient.Reply done = client.get("/webhook/" + webhookId, Map.of("X-API-Key", TestClient.API_KEY));
        assertThat(done.body().path("status").asText()).as(done.toString()).isEqualTo("completed");
        assertThat(done.body().path("attempts").asInt()).as("applied on its first delivery").isEqualTo(1);
        assertThat(done.body().path("result").path("data").path("processed").asInt()).isEqualTo(100);
    }

    private static String key(int n) {
        return String.format("m-%03d", n);
    }

    private static String storeMemory(String session, String key, int n) {
        return TestClient.json(Map.of("type", "collaborative_session_command", "command", "store_memory",
                "session_id", session, "data", Map.of("type", "fact", "key", key, "content", Map.of("n", n))));
    }

    private static String batchOf100(String session) {
        List<Map<String, Object>> commands = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String key = i == 50 ? "blocker" : String.format("b-%03d", i);
            commands.add(Map.of("command", "store_memory",
                    "data", Map.of("type", "note", "key", key, "content", "batch element " + i)));
        }
        return TestClient.json(Map.of("type", "collaborative_session_command", "command", "batch",
                "session_id", session, "data", Map.of("commands", commands)));
    }

    private static boolean logContains(AppProcess app, String text) {
        try {
            return app.logContains(text);
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static int countCompleted(JdbcTemplate db, java.util.Collection<String> ids) {
        return db.queryForObject("SELECT count(*) FROM relay_webhooks WHERE status = 'completed' AND id = ANY (?)",
                Integer.class, (Object) ids.toArray(String[]::new));
    }
}
