package dev.aiwebhook;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aiwebhook.worker.WorkerState;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The relay's HTTP contract (SPEC §3): auth, async and sync replies, idempotency, status. */
class RelayIntakeTest extends AppTestSupport {

    @Autowired
    CamelContext camel;
    @Autowired
    WorkerState worker;
    private String create(String sessionId, boolean sync) {
        return TestClient.json(Map.of("type", "collaborative_session_command", "command", "create_session",
                "session_id", sessionId, "sync", sync, "data", Map.of("title", "t")));
    }

    @Test
    void asyncWebhookIsQueuedThenProcessedAndReadableByItsStatusUrl() {
        String s = "intake-async-" + System.nanoTime();
        NotifyBuilder done = new NotifyBuilder(camel).fromRoute("worker-threads").whenDone(1).create();
        var reply = client.webhook(create(s, false));
        assertThat(reply.status()).as(reply.toString()).isEqualTo(202);
        assertThat(reply.body().path("status").asText()).isEqualTo("queued");
        String id = reply.body().path("id").asText();
        assertThat(reply.body().path("status_url").asText()).isEqualTo("/webhook/" + id);
        assertThat(db.queryForObject("SELECT count(*) FROM relay_webhooks WHERE id = ?", Integer.class, id)).isEqualTo(1);

        assertThat(done.matches(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            var status = client.get("/webhook/" + id, Map.of("X-API-Key", TestClient.API_KEY));
            assertThat(status.body().path("status").asText()).isEqualTo("completed");
            assertThat(status.body().path("attempts").asInt()).isEqualTo(1);
            assertThat(status.body().path("received_at").asText()).isNotBlank();
            assertThat(status.body().path("completed_at").asText()).isNotBlank();
            assertThat(status.body().path("result").path("data").path("session_id").asText()).isEqualTo(s);
        });
        assertThat(db.queryForObject("SELECT count(*) FROM sessions WHERE session_id = ?", Integer.class, s)).isEqualTo(1);
        assertThat(db.queryForObject("SELECT count(*) FROM worker_processed WHERE webhook_id = ?", Integer.class, id))
                .isEqualTo(1);
    }

    @Test
    void statusOfAnUnknownIdIs404AndAnotherKeyCannotReadIt() {
        assertThat(client.get("/webhook/no-such-id", Map.of("X-API-Key", TestClient.API_KEY)).status()).isEqualTo(404);
        var reply = client.webhook(create("intake-owner-" + System.nanoTime(), true));
        String id = reply.body().path("id").asText();
        assertThat(client.get("/webhook/" + id, Map.of("X-API-Key", TestClient.API_KEY)).status()).isEqualTo(200);
        assertThat(client.get("/webhook/" + id, Map.of("X-API-Key", TestClient.OTHER_KEY)).status()).isEqualTo(404);
    }

    @Test
    void syncByWaitParameterAndByBearerToken() {
        String s = "intake-wait-" + System.nanoTime();
        var reply = client.post("/webhook?wait=20", create(s, false),
                Map.of("Authorization", "Bearer " + TestClient.API_KEY, "Content-Type", "text/plain"));
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        assertThat(reply.body().path("status").asText()).isEqualTo("success");
        assertThat(reply.body().path("command").asText()).isEqualTo("create_session");
        assertThat(reply.body().path("id").asText()).isNotBlank();
    }

    @Test
    void formEncodedCurlBodiesAreReadAsJson() {
        String s = "intake-curl-" + System.nanoTime();
        var reply = client.post("/webhook", create(s, true),
                Map.of("X-API-Key", TestClient.API_KEY, "Content-Type", "application/x-www-form-urlencoded"));
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        assertThat(reply.data().path("session_id").asText()).isEqualTo(s);
    }

    @Test
    void idempotencyKeyReturnsTheFirstDeliveryInsteadOfQueueingAgain() {
        String s = "intake-idem-" + System.nanoTime();
        String key = "retry-" + s;
        var first = client.post("/webhook", create(s, true), Map.of("X-API-Key", TestClient.API_KEY, "Idempotency-Key", key));
        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        var second = client.post("/webhook", create(s, true), Map.of("X-API-Key", TestClient.API_KEY, "Idempotency-Key", key));
        assertThat(second.status()).as(second.toString()).isEqualTo(200);
        assertThat(second.body().path("id").asText()).isEqualTo(first.body().path("id").asText());
        assertThat(second.data().path("session_id").asText()).isEqualTo(s);
        assertThat(second.body().path("idempotent_replay").asBoolean()).isTrue();
        var viaWebhookId = client.post("/webhook", create(s, false), Map.of("X-API-Key", TestClient.API_KEY, "webhook-id", key));
        assertThat(viaWebhookId.body().path("id").asText()).isEqualTo(first.body().path("id").asText());
        assertThat(db.queryForObject("SELECT count(*) FROM relay_webhooks WHERE idempotency_key = ?", Integer.class, key))
                .isEqualTo(1);
        // the same key from another client is another webhook
        var other = client.post("/webhook", create(s + "-other", true), Map.of("X-API-Key", TestClient.OTHER_KEY, "Idempotency-Key", key));
        assertThat(other.body().path("id").asText()).isNotEqualTo(first.body().path("id").asText());
    }

    @Test
    void bothPayloadShapesForSessionIdAndAConflictBetweenThem() {
        String s = "intake-shapes-" + System.nanoTime();
        client.command("create_session", s, Map.of("title", "shapes"));
        var top = client.command("store_memory", s, Map.of("type", "note", "content", "top"));
        assertThat(top.status()).as(top.toString()).isEqualTo(200);
        var inner = client.command("store_memory", null, Map.of("session_id", s, "type", "note", "content", "inner"));
        assertThat(inner.status()).as(inner.toString()).isEqualTo(200);
        assertThat(db.queryForObject("SELECT memory_count FROM sessions WHERE session_id = ?", Integer.class, s)).isEqualTo(2);
        var conflict = client.command("store_memory", s, Map.of("session_id", s + "-x", "type", "note", "content", "?"));
        assertThat(conflict.status()).isEqualTo(400);
        assertThat(conflict.code()).isEqualTo("invalid_field");
        assertThat(conflict.field()).isEqualTo("session_id");
    }

    @Test
    void syncCallerGets202WhenTheResultIsLateThenTheResultArrives() throws Exception {
        String s = "intake-late-" + System.nanoTime();
        worker.pause();
        try {
            // flush the long-poll that may already be open, so nobody claims the next webhook
            NotifyBuilder flushed = new NotifyBuilder(camel).fromRoute("worker-threads").whenDone(1).create();
            client.webhook(create(s + "-flush", false));
            assertThat(flushed.matches(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            Thread.sleep(300);

            var reply = client.post("/webhook?wait=1", create(s, false), Map.of("X-API-Key", TestClient.API_KEY));
            assertThat(reply.status()).as(reply.toString()).isEqualTo(202);
            assertThat(reply.body().path("status").asText()).isEqualTo("processing");
            String id = reply.body().path("id").asText();
            assertThat(client.get("/webhook/" + id, Map.of("X-API-Key", TestClient.API_KEY)).body().path("status").asText())
                    .isEqualTo("queued");
            worker.resume();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                JsonNode status = client.get("/webhook/" + id, Map.of("X-API-Key", TestClient.API_KEY)).body();
                assertThat(status.path("status").asText()).isEqualTo("completed");
            });
        } finally {
            worker.resume();
        }
    }

    @Test
    void anApiKeyCannotReachTheWorkerProtocolThroughDotSegments() throws Exception {
        for (String path : List.of("/webhook/../relay/claim", "/webhook/%2e%2e/relay/claim", "/health/../relay/claim",
                "/relay;x=1/claim")) {
            try (java.net.Socket socket = new java.net.Socket("localhost", port)) {
                String request = "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nX-API-Key: " + TestClient.API_KEY
                        + "\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}";
                socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                String status = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream())).readLine();
                assertThat(status).as(path).doesNotContain(" 200");
                assertThat(status).as(path).containsAnyOf(" 400", " 401", " 404");
            }
        }
    }

    @Test
    void everyEndpointButHealthNeedsTheRightCredentials() {
        String body = create("intake-auth-" + System.nanoTime(), false);
        var none = client.post("/webhook", body, Map.of());
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.code()).isEqualTo("unauthorized");
        assertThat(client.post("/webhook", body, Map.of("X-API-Key", "wrong")).status()).isEqualTo(401);
        assertThat(client.post("/webhook", body, Map.of("Authorization", "Bearer wrong")).status()).isEqualTo(401);
        assertThat(client.get("/webhook/x", Map.of()).status()).isEqualTo(401);
        // the worker protocol takes the worker token, not an API key
        assertThat(client.post("/relay/claim", "{}", Map.of("Authorization", "Bearer " + TestClient.API_KEY)).status())
                .isEqualTo(401);
        assertThat(client.post("/relay/results", "{}", Map.of("Authorization", "Bearer wrong")).status()).isEqualTo(401);
        assertThat(client.get("/health", Map.of()).status()).isEqualTo(200);
        assertThat(db.queryForObject("SELECT count(*) FROM relay_webhooks WHERE payload->>'session_id' LIKE 'intake-auth-%'",
                Integer.class)).isZero();
    }
}
