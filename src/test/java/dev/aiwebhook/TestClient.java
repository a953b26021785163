package dev.aiwebhook;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Talks to the app over its real HTTP port, as an LLM client would. */
public final class TestClient {

    public static final String API_KEY = "test-key-0123456789";
    public static final String OTHER_KEY = "other-key-9876543210";
    public static final String WORKER_TOKEN = "test-worker-token";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String base;

    public TestClient(int port) {
        this.base = "http://localhost:" + port;
    }

    public record Reply(int status, JsonNode body, HttpResponse<String> raw) {
        public String code() {
            return body.path("error").path("code").asText(null);
        }

        public String field() {
            return body.path("error").path("field").asText(null);
        }

        public JsonNode data() {
            return body.path("data");
        }

        @Override
        public String toString() {
            return status + " " + raw.body();
        }
    }

    /** A sync command: the reply is the command's result. */
    public Reply command(String command, String sessionId, Map<String, ?> data) {
        Map<String, Object> payload = new java.util.LinkedHashMap<>();
        payload.put("type", "collaborative_session_command");
        payload.put("command", command);
        payload.put("sync", true);
        if (sessionId != null) {
            payload.put("session_id", sessionId);
        }
        if (data != null) {
            payload.put("data", data);
        }
        return post("/webhook", json(payload), Map.of("X-API-Key", API_KEY));
    }

    public Reply post(String path, String body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return send(b.build());
    }

    public Reply postBytes(String path, byte[] body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        return send(b.build());
    }

    public Reply get(String path, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).GET();
        headers.forEach(b::header);
        return send(b.build());
    }

    /** Any method, any body (null: none); the reply's body may be JSON or text (raw().body()). */
    public Reply request(String method, String path, String body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return send(b.build());
    }

    public Reply webhook(String body) {
        return post("/webhook", body, Map.of("X-API-Key", API_KEY));
    }

    private static Reply send(HttpRequest request) {
        try {
            HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode body;
            try {
                body = r.body() == null || r.body().isBlank() ? JSON.nullNode() : JSON.readTree(r.body());
            } catch (com.fasterxml.jackson.core.JsonProcessingException notJson) {
                body = JSON.nullNode(); // a text reply (llm-instructions): read raw().body()
            }
            return new Reply(r.statusCode(), body, r);
        } catch (IOException e) {
            throw new IllegalStateException("HTTP call failed: " + request.uri(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
