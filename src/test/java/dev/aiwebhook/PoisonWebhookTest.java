package dev.aiwebhook;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;


import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SPEC §7, poison messages: a webhook its worker fails on every attempt (the worker reports
 * "retry", as it does for anything but a command error) is retried MAX_ATTEMPTS (5) times with
 * a growing backoff, then is dead: visible, listed, replayable; it never holds up the ones behind it.
 * The test plays the worker through the real worker protocol; the app's own worker is paused.
 */
class PoisonWebhookTest extends AppTestSupport {

    private static final Map<String, String> AS_WORKER = Map.of("X-Worker-Token", TestClient.WORKER_TOKEN);
    private static final Map<String, String> AS_USER = Map.of("X-API-Key", TestClient.API_KEY);


    private List<String> claim() {
        List<String> ids = new ArrayList<>();
        client.post("/relay/claim", TestClient.json(Map.of("worker_id", "poison-test", "max", 20, "wait_ms", 200)), AS_WORKER)
                .body().forEach(w -> ids.add(w.path("id").asText()));
        return ids;
    }

    private void giveBack(String id) {
        var reply = client.post("/relay/results", TestClient.json(Map.of("id", id, "worker_id", "poison-test",
                "outcome", "retry", "error", "NullPointerException in a bug of ours")), AS_WORKER);
        assertThat(reply.status()).as(reply.toString()).isLessThan(300);
    }

    private static String create(String session) {
        return TestClient.json(Map.of("type", "collaborative_session_command", "command", "create_session",
                "session_id", session, "data", Map.of("title", session)));
    }

    @Test
    void aWebhookFailingEveryAttemptBacksOffThenIsDeadWithoutBlockingOthers() throws Exception {
        String s = "poison-" + System.nanoTime();
        try {
            pauseTheWorker();

            String poison = client.webhook(create(s)).body().path("id").asText();
            for (int attempt = 1; attempt <= 5; attempt++) {
                List<String> claimed = new ArrayList<>();
                await().atMost(Duration.ofSeconds(10)).until(() -> {
                    claimed.addAll(claim());
                    return claimed.contains(poison);
                });
                giveBack(poison);
                JsonNode status = client.get("/webhook/" + poison, AS_USER).body();
                assertThat(status.path("attempts").asInt()).isEqualTo(attempt);
                if (attempt < 5) {
                    assertThat(status.path("status").asText()).isEqualTo("queued");
                    // backing off 2^attempt seconds; meanwhile the ones behind it are claimed
                    double wait = db.queryForObject(
                            "SELECT extract(epoch FROM available_at - now()) FROM relay_webhooks WHERE id = ?", Double.class, poison);
                    assertThat(wait).isBetween(Math.pow(2, attempt) - 2, Math.pow(2, attempt));
                    String behind = client.webhook(create(s + "-behind-" + attempt)).body().path("id").asText();
                    List<String> next = new ArrayList<>();
                    await().atMost(Duration.ofSeconds(10)).until(() -> {
                        next.addAll(claim());
                        return next.contains(behind);
                    });
                    assertThat(next).doesNotContain(poison);
                    giveBack(behind);
                    // skip the rest of the backoff rather than sleep through it
                    db.update("UPDATE relay_webhooks SET available_at = now() WHERE id = ?", poison);
                }
            }
            JsonNode dead = client.get("/webhook/" + poison, AS_USER).body();
            assertThat(dead.path("status").asText()).isEqualTo("dead");
            assertThat(dead.path("last_error").asText()).contains("NullPointerException");
            assertThat(client.get("/webhooks?status=dead&limit=200", AS_USER).body().findValuesAsText("id")).contains(poison);
            assertThat(claim()).doesNotContain(poison);

            worker.resume();
            assertThat(client.post("/webhook/" + poison + "/replay", "", AS_USER).status()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    "completed".equals(client.get("/webhook/" + poison, AS_USER).body().path("status").asText()));
            assertThat(count("SELECT count(*) FROM sessions WHERE session_id = ?", s)).isEqualTo(1);
        } finally {
            worker.resume();
        }
    }
}
