package dev.aiwebhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import dev.aiwebhook.config.AppProperties;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * All-in-one: the relay's intake stores a webhook already leased to the worker in the same
 * process and hands it over (no claim), and the worker records the result at the relay in the
 * transaction that applies it (one commit). Each webhook here is caught while the worker
 * waits for a session lock the test holds, so its stored state can be read mid-flight.
 */
class HandOffTest extends AppTestSupport {

    @Autowired
    AppProperties props;
    @Autowired
    DataSource dataSource;

    @Test
    void aSyncWebhookIsStoredLeasedToTheWorkerThenCompletedInTheTransactionThatAppliedIt() throws Exception {
        assertHandedOverAndCompletedInOneTransaction(true);
    }

    @Test
    void anAsyncWebhookIsHandedOverTheSameWay() throws Exception {
        assertHandedOverAndCompletedInOneTransaction(false);
    }

    @Test
    void whileTheWorkerIsPausedAWebhookIsQueuedForTheRelaysClaim() throws Exception {
        String s = "handoff-paused-" + System.nanoTime();
        assertThat(client.command("create_session", s, Map.of("title", "t")).status()).isEqualTo(200);
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
        String s = "handoff-" + (sync ? "sync-" : "async-") + System.nanoTime();
        assertThat(client.command("create_session", s, Map.of("title", "t")).status()).isEqualTo(200);
        String key = "k" + System.nanoTime();
        CompletableFuture<TestClient.Reply> reply;
        try (Connection lock = dataSource.getConnection()) {
            lock.setAutoCommit(false);
            try (PreparedStatement st = lock.prepareStatement("SELECT 1 FROM sessions WHERE session_id = ? FOR UPDATE")) {
                st.setString(1, s);
                st.executeQuery().close();
            }
            reply = CompletableFuture.supplyAsync(() -> client.post("/webhook",
                    store(s, sync).replace("\"type\":\"note\"", "\"type\":\"note\",\"key\":\"" + key + "\""),
                    Map.of("X-API-Key", TestClient.API_KEY)));
            // the worker is now waiting for the session's lock: the webhook is stored, mid-flight
            await().atMost(Duration.ofSeconds(20)).until(() -> db.queryForObject(
                    "SELECT count(*) FROM relay_webhooks WHERE payload->'data'->>'key' = ?", Integer.class, key) == 1);
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

    private static String store(String session, boolean sync) {
        return "{\"type\":\"collaborative_session_command\",\"command\":\"store_memory\",\"session_id\":\"" + session
                + "\",\"sync\":" + sync + ",\"data\":{\"type\":\"note\",\"content\":{\"text\":\"handed over\"}}}";
    }
}
