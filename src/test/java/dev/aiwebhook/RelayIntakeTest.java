package dev.aiwebhook;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The relay's HTTP contract (SPEC §3): auth, async and sync replies, idempotency, status. */
class RelayIntakeTest extends AppTestSupport {

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
        pauseTheWorker();
        try {
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
                "/relay;x=1/claim", "/%72elay/claim", "/%72elay/results")) {
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
    void callersCannotSetTheRelaysInternalHeaders() {
        String s = "intake-internal-" + System.nanoTime();
        var viaQuery = client.post("/webhook?clientId=someone-else", create(s, true), Map.of("X-API-Key", TestClient.API_KEY));
        assertThat(viaQuery.status()).isEqualTo(400);
        assertThat(viaQuery.field()).isEqualTo("clientId");
        var forged = client.post("/webhook?syncResult=%7B%7D", create(s, true), Map.of("X-API-Key", TestClient.API_KEY));
        assertThat(forged.status()).isEqualTo(400);
        var viaHeader = client.post("/webhook", create(s, true),
                Map.of("X-API-Key", TestClient.API_KEY, "syncResult", "nope", "clientId", "x", "webhook", "y"));
        assertThat(viaHeader.status()).as(viaHeader.toString()).isEqualTo(200);
        assertThat(viaHeader.data().path("session_id").asText()).isEqualTo(s);
        assertThat(db.queryForObject("SELECT client_id FROM relay_webhooks WHERE id = ?", String.class,
                viaHeader.body().path("id").asText())).hasSize(16);
    }

    @Test
    void aFinalResultArrivingAfterTheWebhookWentDeadStillCounts() {
        String id = "late-" + System.nanoTime();
        db.update("INSERT INTO relay_webhooks (id, client_id, payload, status, attempts) VALUES (?, 'c', '{}', 'dead', 5)", id);
        var reply = client.post("/relay/results", TestClient.json(Map.of("id", id, "worker_id", "w", "outcome", "completed",
                "result", Map.of("status", "success"))), Map.of("Authorization", "Bearer " + TestClient.WORKER_TOKEN));
        assertThat(reply.status()).isEqualTo(200);
        assertThat(db.queryForObject("SELECT status FROM relay_webhooks WHERE id = ?", String.class, id)).isEqualTo("completed");
        db.update("UPDATE relay_webhooks SET status = 'dead' WHERE id = ?", id);
        client.post("/relay/results", TestClient.json(Map.of("id", id, "worker_id", "w", "outcome", "retry", "error", "x")),
                Map.of("Authorization", "Bearer " + TestClient.WORKER_TOKEN));
        assertThat(db.queryForObject("SELECT status FROM relay_webhooks WHERE id = ?", String.class, id)).isEqualTo("dead");
    }

    /**
     * Each reply goes with its Content-Length, not in chunks (whose last, empty one the web
     * server sends by a write of its own: a second segment for the client to wake up for).
     */
    @Test
    void repliesCarryTheirLengthInsteadOfComingInChunks() {
        String s = "intake-length-" + System.nanoTime();
        Map<String, String> key = Map.of("X-API-Key", TestClient.API_KEY);
        List<TestClient.Reply> replies = List.of(
                client.webhook(create(s, true)),                                     // 200, sync
                client.webhook(create(s + "-async", false)),                         // 202
                client.post("/webhook", "{\"type\":\"nope\"}", key),                 // 400
                client.get("/webhook/no-such-id", key),                              // 404
                client.get("/health", Map.of()),
                client.get("/webhooks?status=dead&limit=1", key),                    // 200, a text built by SQL
                client.post("/mcp", TestClient.json(Map.of("jsonrpc", "2.0", "id", 1, "method", "initialize",
                                "params", Map.of("protocolVersion", "2025-06-18", "capabilities", Map.of(),
                                        "clientInfo", Map.of("name", "length-test", "version", "1")))),
                        Map.of("X-API-Key", TestClient.API_KEY, "Content-Type", "application/json",
                                "Accept", "application/json, text/event-stream")));
        for (TestClient.Reply reply : replies) {
            var headers = reply.raw().headers();
            assertThat(headers.firstValue("transfer-encoding")).as(reply.toString()).isEmpty();
            assertThat(headers.firstValueAsLong("content-length")).as(reply.toString())
                    .hasValue(reply.raw().body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        }
        assertThat(replies).extracting(TestClient.Reply::status).containsExactly(200, 202, 400, 404, 200, 200, 200);

        // a long reply is still streamed in chunks, not first copied whole to learn its length
        String content = "x".repeat(80_000);
        assertThat(client.command("store_memory", s, Map.of("type", "note", "key", "long", "content", content)).status())
                .isEqualTo(200);
        var longReply = client.command("retrieve_memory", s, Map.of("key", "long"));
        assertThat(longReply.status()).as(longReply.toString()).isEqualTo(200);
        assertThat(longReply.raw().headers().firstValue("transfer-encoding")).hasValue("chunked");
        assertThat(longReply.raw().body().contains("\"" + content + "\"")).as("the whole content, in one piece").isTrue();
    }

    @Test
    void theRelayStoresThePayloadsValuesHoweverTheyWereSpelled() {
        String s = "intake-spelling-" + System.nanoTime();
        // a byte order mark, line breaks, escapes, a trailing zero, an exponent, spaces around it all
        String sent = " {\n \"type\" : \"collaborative_session_command\",\"command\":\"create_session\",\r\n"
                + "\"session_id\":\"" + s + "\",\"data\":{\"title\":\"caf\\u00e9 \\/ \\\"q\\\" \\ud83d\\ude00\","
                + "\"metadata\":{\"price\":1.50,\"big\":1e2,\"neg\":-0.0,\"list\":[ true , null ,\"\\t\"]}}}\n ";
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] body = new byte[bom.length + sent.getBytes(java.nio.charset.StandardCharsets.UTF_8).length];
        System.arraycopy(bom, 0, body, 0, bom.length);
        System.arraycopy(sent.getBytes(java.nio.charset.StandardCharsets.UTF_8), 0, body, bom.length, body.length - bom.length);
        String expected = "{\"type\":\"collaborative_session_command\",\"command\":\"create_session\",\"session_id\":\"" + s
                + "\",\"data\":{\"title\":\"café / \\\"q\\\" \uD83D\uDE00\","
                + "\"metadata\":{\"price\":1.50,\"big\":100,\"neg\":0.0,\"list\":[true,null,\"\\t\"]}}}";
        var queued = client.postBytes("/webhook", body, Map.of("X-API-Key", TestClient.API_KEY));
        assertThat(queued.status()).as(queued.toString()).isEqualTo(202);
        assertStoredAs(queued.body().path("id").asText(), expected);

        // and in sync mode, stored by the transaction that applies it (its own statement, or its group's)
        String syncSent = sent.replace(s, s + "-sync").replace("\"session_id\"", "\"sync\" : true, \"session_id\"");
        var applied = client.post("/webhook", syncSent, Map.of("X-API-Key", TestClient.API_KEY));
        assertThat(applied.status()).as(applied.toString()).isEqualTo(200);
        assertStoredAs(applied.body().path("id").asText(),
                expected.replace(s, s + "-sync").replace("\"session_id\"", "\"sync\":true,\"session_id\""));
    }

    /** The relay's row holds these values, scale of numbers included (jsonb's text of each, compared). */
    private void assertStoredAs(String id, String expected) {
        assertThat(db.queryForObject("SELECT payload::text FROM relay_webhooks WHERE id = ?", String.class, id))
                .isEqualTo(db.queryForObject("SELECT CAST(? AS jsonb)::text", String.class, expected));
    }

    @Test
    void numbersAreKeptExactlyAndValuesTheDatabaseRefusesAreA400() {
        String s = "intake-numbers-" + System.nanoTime();
        client.command("create_session", s, Map.of("title", "numbers"));
        String exact = "{\"type\":\"collaborative_session_command\",\"command\":\"store_memory\",\"sync\":true,"
                + "\"session_id\":\"" + s + "\",\"data\":{\"type\":\"fact\",\"key\":\"pi\","
                + "\"content\":{\"pi\":3.14159265358979323846264338327950288}}}";
        assertThat(client.webhook(exact).status()).isEqualTo(200);
        assertThat(db.queryForObject("SELECT content->>'pi' FROM memories WHERE session_id = ? AND key = 'pi'", String.class, s))
                .isEqualTo("3.14159265358979323846264338327950288");
        String overflow = exact.replace("\"pi\":3.14159265358979323846264338327950288", "\"n\":1e200000").replace("\"key\":\"pi\",", "\"key\":\"big\",");
        int queued = count("SELECT count(*) FROM relay_webhooks");
        var refused = client.webhook(overflow);
        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.code()).isEqualTo("invalid_field");
        assertThat(refused.field()).isEqualTo("data.content.n");
        assertThat(count("SELECT count(*) FROM relay_webhooks")).isEqualTo(queued);
        assertThat(count("SELECT count(*) FROM memories WHERE session_id = ?", s)).isEqualTo(1);

        // a time PostgreSQL cannot store is refused by the input check
        var late = client.command("conversation_chunk", s, Map.of("content", "x", "start_time", "20000-01-01T00:00:00Z"));
        assertThat(late.field()).as(late.toString()).isEqualTo("data.start_time");

        // a value only the database refuses (here a constraint added for the test) fails at once, without retries
        db.execute("ALTER TABLE memories ADD CONSTRAINT test_refused_key CHECK (key <> 'refused-by-db')");
        try {
            var refusedByDb = client.command("store_memory", s, Map.of("type", "note", "key", "refused-by-db", "content", "x"));
            assertThat(refusedByDb.status()).as(refusedByDb.toString()).isEqualTo(400);
            assertThat(refusedByDb.code()).isEqualTo("invalid_field");
            var st = client.get("/webhook/" + refusedByDb.body().path("id").asText(), Map.of("X-API-Key", TestClient.API_KEY));
            assertThat(st.body().path("status").asText()).isEqualTo("failed");
            assertThat(st.body().path("attempts").asInt()).isEqualTo(1);
        } finally {
            db.execute("ALTER TABLE memories DROP CONSTRAINT test_refused_key");
        }
    }

    @Test
    void deadWebhooksAreListedAndCanBeReplayedByTheirSender() throws Exception {
        String s = "intake-dead-" + System.nanoTime();
        var reply = client.webhook(create(s, true));
        String first = reply.body().path("id").asText();
        String clientId = db.queryForObject("SELECT client_id FROM relay_webhooks WHERE id = ?", String.class, first);
        // a webhook that failed on every attempt (its session was never created)
        String id = "dead-" + System.nanoTime();
        db.update("INSERT INTO relay_webhooks (id, client_id, payload, status, attempts, last_error) VALUES (?, ?, CAST(? AS jsonb), 'dead', 5, 'boom')",
                id, clientId, create(s + "-replayed", false));

        var dead = client.get("/webhooks?status=dead&limit=200", Map.of("X-API-Key", TestClient.API_KEY));
        assertThat(dead.status()).isEqualTo(200);
        assertThat(dead.body().findValuesAsText("id")).contains(id);
        assertThat(client.get("/webhooks", Map.of("X-API-Key", TestClient.OTHER_KEY)).body().findValuesAsText("id"))
                .doesNotContain(id);
        assertThat(client.get("/webhooks?status=zombie", Map.of("X-API-Key", TestClient.API_KEY)).field()).isEqualTo("status");

        assertThat(client.post("/webhook/" + id + "/replay", "", Map.of("X-API-Key", TestClient.OTHER_KEY)).status()).isEqualTo(404);
        assertThat(client.post("/webhook/" + first + "/replay", "", Map.of("X-API-Key", TestClient.API_KEY)).status()).isEqualTo(409);
        var replay = client.post("/webhook/" + id + "/replay", "", Map.of("X-API-Key", TestClient.API_KEY));
        assertThat(replay.status()).as(replay.toString()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                client.get("/webhook/" + id, Map.of("X-API-Key", TestClient.API_KEY)).body().path("status").asText())
                .isEqualTo("completed"));
        assertThat(count("SELECT count(*) FROM sessions WHERE session_id = ?", s + "-replayed")).isEqualTo(1);
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
