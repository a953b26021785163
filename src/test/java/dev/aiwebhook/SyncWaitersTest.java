package dev.aiwebhook;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;


import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SPEC §7, sync waiters: many concurrent sync callers each get their own result, also when the
 * result arrives after a redelivery (a worker claimed the webhooks and gave them back).
 */
class SyncWaitersTest extends AppTestSupport {

    private static final int CALLERS = 32;


    private String session(String prefix) {
        String s = prefix + "-" + System.nanoTime();
        assertThat(client.command("create_session", s, Map.of("title", prefix)).status()).isEqualTo(200);
        return s;
    }

    private static String store(String session, int i) {
        return TestClient.json(Map.of("type", "collaborative_session_command", "command", "store_memory",
                "session_id", session, "sync", true,
                "data", Map.of("type", "note", "key", "k" + i, "content", "value " + i)));
    }

    /** Each caller's reply is its own: its key, its content, its webhook id; nothing stored twice. */
    private void assertOwnResults(String session, List<Future<TestClient.Reply>> replies, int attempts) throws Exception {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < replies.size(); i++) {
            TestClient.Reply reply = replies.get(i).get(90, TimeUnit.SECONDS);
            assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
            assertThat(reply.data().path("key").asText()).isEqualTo("k" + i);
            String id = reply.body().path("id").asText();
            ids.add(id);
            JsonNode status = client.get("/webhook/" + id, Map.of("X-API-Key", TestClient.API_KEY)).body();
            assertThat(status.path("result").path("data").path("key").asText()).isEqualTo("k" + i);
            assertThat(status.path("attempts").asInt()).isEqualTo(attempts);
        }
        assertThat(ids).hasSize(replies.size());
        assertThat(count("SELECT count(*) FROM memories WHERE session_id = ?", session)).isEqualTo(replies.size());
        assertThat(count("SELECT count(*) FROM memory_versions WHERE session_id = ?", session)).isZero();
        assertCountersMatchRows(session);
    }

    @Test
    void concurrentSyncCallersEachGetTheirOwnResult() throws Exception {
        String s = session("waiters");
        ExecutorService pool = Executors.newFixedThreadPool(CALLERS);
        try {
            List<Future<TestClient.Reply>> replies = new ArrayList<>();
            for (int i = 0; i < CALLERS; i++) {
                int n = i;
                replies.add(pool.submit(() -> client.webhook(store(s, n))));
            }
            assertOwnResults(s, replies, 1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void syncCallersGetTheirOwnResultAfterARedelivery() throws Exception {
        String s = session("redelivered");
        ExecutorService pool = Executors.newFixedThreadPool(CALLERS);
        try {
            pauseTheWorker();

            List<Future<TestClient.Reply>> replies = new ArrayList<>();
            for (int i = 0; i < CALLERS; i++) {
                int n = i;
                replies.add(pool.submit(() -> client.post("/webhook?wait=90", store(s, n),
                        Map.of("X-API-Key", TestClient.API_KEY))));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> count(
                    "SELECT count(*) FROM relay_webhooks WHERE payload->>'session_id' = ? AND status = 'queued'", s) == CALLERS);

            // another worker claims them all, then gives each back (as after a crash it reports as retry)
            Set<String> claimed = new HashSet<>();
            Map<String, String> asWorker = Map.of("X-Worker-Token", TestClient.WORKER_TOKEN);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                JsonNode batch = client.post("/relay/claim", TestClient.json(Map.of("worker_id", "test-worker",
                        "max", CALLERS, "wait_ms", 500)), asWorker).body();
                batch.forEach(w -> claimed.add(w.path("id").asText()));
                return claimed.size() == CALLERS;
            });
            for (String id : claimed) {
                var given = client.post("/relay/results", TestClient.json(Map.of("id", id, "worker_id", "test-worker",
                        "outcome", "retry", "error", "simulated: the worker went away")), asWorker);
                assertThat(given.status()).as(given.toString()).isLessThan(300);
            }
            assertThat(count("SELECT count(*) FROM memories WHERE session_id = ?", s)).isZero();
            for (Future<TestClient.Reply> reply : replies) {
                assertThat(reply.isDone()).isFalse(); // every caller is still waiting
            }
            worker.resume();
            assertOwnResults(s, replies, 2);
        } finally {
            worker.resume();
            pool.shutdownNow();
        }
    }
}
