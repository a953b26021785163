package dev.aiwebhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.aiwebhook.config.AppProperties;
import dev.aiwebhook.worker.IntakePressure;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * All-in-one: the relay's intake stores a webhook already leased to the worker in the same
 * process and hands it over (no claim), and the worker records the result at the relay in the
 * transaction that applies it. A session command whose caller waits (without an
 * Idempotency-Key) goes further: the relay's row is inserted by that same transaction, so the
 * webhook, its effect and its result commit once; when the transaction rolls back, the webhook
 * is stored on its own before its outcome is recorded. Each webhook here is caught while the
 * worker waits for a session lock the test holds, so its stored state can be read mid-flight.
 */
class HandOffTest extends AppTestSupport {

    @Autowired
    AppProperties props;

    @Autowired
    IntakePressure pressure;

    @Test
    void everyWebhookTheIntakeTakesCountsTowardsItsPressureOnTheWorker() {
        String s = newSession("handoff-counted");
        long before = pressure.taken();
        for (boolean sync : new boolean[] {false, true}) {
            var reply = client.post("/webhook", store(s, sync), Map.of("X-API-Key", TestClient.API_KEY));
            assertThat(reply.status()).as(reply.toString()).isEqualTo(sync ? 200 : 202);
        }
        // what tells the intake and the poller that background work gives way (IntakePressure)
        assertThat(pressure.taken() - before).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aSyncSessionCommandIsStoredByTheTransactionThatAppliesIt() throws Exception {
        String s = newSession("handoff-inline");
        String key = "k" + System.nanoTime();
        TestClient.Reply done = sendWhileLocked(s, key, 30, (lock, workerBackend) -> {
            assertThat(camel.getInflightRepository().size("run-webhook")).isEqualTo(1);
            assertThat(camel.getInflightRepository().size("worker-threads")).isZero();
            lock.rollback();
        });
        assertThat(done.status()).as(done.toString()).isEqualTo(200);
        assertThat(done.data().path("key").asText()).isEqualTo(key);
        String id = done.body().path("id").asText();
        var row = db.queryForMap("""
                SELECT w.status, w.attempts, w.lease_owner, w.result->>'status' AS result,
                       w.received_at = w.completed_at AND w.completed_at = m.created_at AS one_transaction
                FROM relay_webhooks w JOIN memories m ON m.session_id = ? AND m.key = ? WHERE w.id = ?""",
                s, key, id);
        assertThat(row.get("status")).isEqualTo("completed");
        assertThat(row.get("attempts")).isEqualTo(1);
        assertThat(row.get("lease_owner")).isNull();
        assertThat(row.get("result")).isEqualTo("success");
        // now() is the transaction's start: the row was inserted and completed by the transaction
        // that stored the memory
        assertThat(row.get("one_transaction")).isEqualTo(true);
        // born finished, it is never claimed: no exactly-once marker is written for it
        assertThat(count("SELECT count(*) FROM worker_processed WHERE webhook_id = ?", id)).isZero();
        assertThat(count("SELECT count(*) FROM memories WHERE session_id = ? AND key = ?", s, key)).isEqualTo(1);
    }

    @Test
    void aSyncSessionCommandThatFailsIsStoredWithItsError() throws Exception {
        String s = newSession("handoff-failing");
        String key = "k" + System.nanoTime();
        TestClient.Reply done = sendWhileLocked(s, key, 30, (lock, workerBackend) -> {
            // the session goes away under it: the command fails (session_not_found) and rolls back
            try (PreparedStatement st = lock.prepareStatement("DELETE FROM sessions WHERE session_id = ?")) {
                st.setString(1, s);
                st.executeUpdate();
            }
            lock.commit();
        });
        assertThat(done.status()).as(done.toString()).isEqualTo(404);
        assertThat(done.body().path("error").path("code").asText()).isEqualTo("session_not_found");
        String id = done.body().path("id").asText();
        var row = db.queryForMap("""
                SELECT w.status, w.attempts, w.result->'error'->>'code' AS code, p.outcome
                FROM relay_webhooks w JOIN worker_processed p ON p.webhook_id = w.id WHERE w.id = ?""", id);
        assertThat(row.get("status")).isEqualTo("failed");
        assertThat(row.get("attempts")).isEqualTo(1);
        assertThat(row.get("code")).isEqualTo("session_not_found");
        assertThat(row.get("outcome")).isEqualTo("failed");
        TestClient.Reply status = client.get("/webhook/" + id, Map.of("X-API-Key", TestClient.API_KEY));
        assertThat(status.body().path("status").asText()).as(status.toString()).isEqualTo("failed");
    }

    @Test
    void aSyncSessionCommandWhoseTransactionBreaksIsStoredAndRedelivered() throws Exception {
        String s = newSession("handoff-broken");
        String key = "k" + System.nanoTime();
        TestClient.Reply done = sendWhileLocked(s, key, 60, (lock, workerBackend) -> {
            // the worker's connection dies mid-transaction: not the command's fault, so it is retried
            db.queryForObject("SELECT pg_terminate_backend(?)", Boolean.class, workerBackend);
            await().atMost(Duration.ofSeconds(20)).until(() -> count(
                    "SELECT count(*) FROM relay_webhooks WHERE payload->'data'->>'key' = ?", key) == 1);
            assertThat(count("SELECT count(*) FROM memories WHERE session_id = ? AND key = ?", s, key)).isZero();
            lock.rollback();
        });
        assertThat(done.status()).as(done.toString()).isEqualTo(200);
        assertThat(done.data().path("key").asText()).isEqualTo(key);
        var row = db.queryForMap("SELECT status, attempts FROM relay_webhooks WHERE id = ?", done.body().path("id").asText());
        assertThat(row.get("status")).isEqualTo("completed");
        assertThat(row.get("attempts")).as("stored after the broken transaction, then delivered again").isEqualTo(2);
        assertThat(count("SELECT count(*) FROM memories WHERE session_id = ? AND key = ?", s, key)).isEqualTo(1);
    }

    @Test
    void aSyncWebhookWithAnIdempotencyKeyIsStoredLeasedToTheWorkerThenCompletedInTheTransactionThatAppliedIt()
            throws Exception {
        assertHandedOverAndCompletedInOneTransaction(true);
    }

    @Test
    void anAsyncWebhookIsHandedOverTheSameWay() throws Exception {
        assertHandedOverAndCompletedInOneTransaction(false);
    }

    /** What a test does mid-flight: it holds the session's lock, which the worker's backend waits for. */
    private interface WhileHeld {
        void run(Connection lock, int workerBackend) throws Exception;
    }

    /**
     * A sync store_memory of {@code key}, sent while the test holds its session's lock. Once the
     * worker waits for that lock, checks that nothing of the webhook is committed yet (the relay's
     * row commits with the command's effect, or on its own after a rollback), then runs
     * {@code whileHeld}, which ends the lock's transaction; returns the caller's reply.
     */
    private TestClient.Reply sendWhileLocked(String session, String key, int replySeconds, WhileHeld whileHeld)
            throws Exception {
        CompletableFuture<TestClient.Reply> reply;
        try (Connection lock = lockSession(session)) {
            reply = CompletableFuture.supplyAsync(() -> client.post("/webhook",
                    storeWithKey(session, true, key), Map.of("X-API-Key", TestClient.API_KEY)));
            int backend = awaitBackendsWaitingForASession(1).get(0);
            assertThat(count("SELECT count(*) FROM relay_webhooks WHERE payload->'data'->>'key' = ?", key)).isZero();
            whileHeld.run(lock, backend);
        }
        return reply.get(replySeconds, TimeUnit.SECONDS);
    }

    @Test
    void whileTheWorkerIsPausedAWebhookIsQueuedForTheRelaysClaim() throws Exception {
        String s = newSession("handoff-paused");
        pauseTheWorker();
        try {
            var reply = client.post("/webhook", store(s, false), Map.of("X-API-Key", TestClient.API_KEY));
            String id = reply.body().path("id").asText();
            var row = db.queryForMap("SELECT status, attempts, lease_owner FROM relay_webhooks WHERE id = ?", id);
            assertThat(row.get("status")).isEqualTo("queued");
            assertThat(row.get("attempts")).isEqualTo(0);
            assertThat(row.get("lease_owner")).isNull();
            worker.resume();
            await().atMost(Duration.ofSeconds(20)).until(() -> "completed".equals(
                    db.queryForObject("SELECT status FROM relay_webhooks WHERE id = ?", String.class, id)));
        } finally {
            worker.resume();
        }
    }

    private void assertHandedOverAndCompletedInOneTransaction(boolean sync) throws Exception {
        String s = newSession("handoff-" + (sync ? "sync" : "async"));
        String key = "k" + System.nanoTime();
        CompletableFuture<TestClient.Reply> reply;
        try (Connection lock = lockSession(s)) {
            // a key that may have been seen before: the intake's own insert looks it up first
            reply = CompletableFuture.supplyAsync(() -> client.post("/webhook", storeWithKey(s, sync, key),
                    Map.of("X-API-Key", TestClient.API_KEY, "Idempotency-Key", "idem-" + key)));
            // the worker is now waiting for the session's lock: the webhook is stored, mid-flight
            await().atMost(Duration.ofSeconds(20)).until(() -> count(
                    "SELECT count(*) FROM relay_webhooks WHERE payload->'data'->>'key' = ?", key) == 1);
            var leased = db.queryForMap("""
                    SELECT status, attempts, lease_owner,
                           extract(epoch FROM lease_until - received_at) AS leased_for
                    FROM relay_webhooks WHERE payload->'data'->>'key' = ?""", key);
            assertThat(leased.get("status")).isEqualTo("processing");
            assertThat(leased.get("attempts")).isEqualTo(1);
            assertThat(leased.get("lease_owner")).isEqualTo(props.worker().id());
            // leased by the statement that stored it: a claim would run later, in its own transaction
            assertThat(((Number) leased.get("leased_for")).doubleValue()).isEqualTo((double) props.relay().lease().toSeconds());
            // a sync session command runs on its caller's request thread, an async one on a worker thread
            assertThat(camel.getInflightRepository().size("run-webhook")).isEqualTo(1);
            assertThat(camel.getInflightRepository().size("worker-threads")).isEqualTo(sync ? 0 : 1);
            lock.rollback();
        }
        TestClient.Reply done = reply.get(30, TimeUnit.SECONDS);
        String id = done.body().path("id").asText();
        if (sync) {
            assertThat(done.status()).as(done.toString()).isEqualTo(200);
            assertThat(done.data().path("key").asText()).isEqualTo(key);
        } else {
            assertThat(done.status()).as(done.toString()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(20)).until(() -> "completed".equals(
                    db.queryForObject("SELECT status FROM relay_webhooks WHERE id = ?", String.class, id)));
        }
        var row = db.queryForMap("""
                SELECT w.status, w.completed_at = p.processed_at AS same_transaction, w.result->>'status' AS result
                FROM relay_webhooks w JOIN worker_processed p ON p.webhook_id = w.id WHERE w.id = ?""", id);
        assertThat(row.get("status")).isEqualTo("completed");
        assertThat(row.get("result")).isEqualTo("success");
        // now() is the transaction's start: equal only when the relay's row was completed in
        // the worker's own transaction, not by a report committed after it
        assertThat(row.get("same_transaction")).isEqualTo(true);
        assertThat(count("SELECT count(*) FROM memories WHERE session_id = ? AND key = ?", s, key)).isEqualTo(1);
    }

    private static String storeWithKey(String session, boolean sync, String key) {
        return store(session, sync).replace("\"type\":\"note\"", "\"type\":\"note\",\"key\":\"" + key + "\"");
    }

    private static String store(String session, boolean sync) {
        return "{\"type\":\"collaborative_session_command\",\"command\":\"store_memory\",\"session_id\":\"" + session
                + "\",\"sync\":" + sync + ",\"data\":{\"type\":\"note\",\"content\":{\"text\":\"handed over\"}}}";
    }
}
