package dev.aiwebhook;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every endpoint but health, with missing or wrong credentials: 401 unauthorized (SPEC §3), a
 * WWW-Authenticate challenge, and nothing queued, claimed or changed.
 */
class WrongCredentialsTest extends HostileSupport {

    private static final String WEBHOOK = "{\"type\":\"collaborative_session_command\",\"command\":\"list_agents\"}";

    record Endpoint(String method, String path, String body) {
    }

    static Stream<Arguments> wrongCredentials() {
        List<Endpoint> api = List.of(
                new Endpoint("POST", "/webhook", WEBHOOK),
                new Endpoint("POST", "/webhook?wait=1", WEBHOOK),
                new Endpoint("GET", "/webhook/00000000-0000-0000-0000-000000000000", null),
                new Endpoint("GET", "/webhooks?status=dead", null),
                new Endpoint("POST", "/webhook/00000000-0000-0000-0000-000000000000/replay", ""));
        Map<String, Map<String, String>> apiCredentials = new java.util.LinkedHashMap<>();
        apiCredentials.put("no credentials", Map.of());
        apiCredentials.put("a wrong X-API-Key", Map.of("X-API-Key", "wrong-key"));
        apiCredentials.put("an empty X-API-Key", Map.of("X-API-Key", ""));
        apiCredentials.put("the key in capitals", Map.of("X-API-Key", TestClient.API_KEY.toUpperCase()));
        apiCredentials.put("the key with a character more", Map.of("X-API-Key", TestClient.API_KEY + "x"));
        apiCredentials.put("a prefix of the key", Map.of("X-API-Key", TestClient.API_KEY.substring(0, 8)));
        apiCredentials.put("a wrong Bearer", Map.of("Authorization", "Bearer wrong-key"));
        apiCredentials.put("the key as Basic auth", Map.of("Authorization", "Basic " + java.util.Base64.getEncoder()
                .encodeToString((TestClient.API_KEY + ":").getBytes())));
        apiCredentials.put("the key without the Bearer scheme", Map.of("Authorization", TestClient.API_KEY));
        apiCredentials.put("the worker token", Map.of("X-API-Key", TestClient.WORKER_TOKEN));
        apiCredentials.put("the worker token as Bearer", Map.of("Authorization", "Bearer " + TestClient.WORKER_TOKEN));
        apiCredentials.put("a wrong X-API-Key beside a right Bearer", Map.of("X-API-Key", "wrong",
                "Authorization", "Bearer " + TestClient.API_KEY));
        List<Arguments> rows = new java.util.ArrayList<>();
        for (Endpoint e : api) {
            apiCredentials.forEach((what, headers) ->
                    rows.add(Arguments.of(Named.of(e.method() + " " + e.path() + " with " + what, e), headers)));
        }
        rows.add(Arguments.of(Named.of("POST /webhook with the key in the query", new Endpoint("POST",
                "/webhook?api_key=" + TestClient.API_KEY, WEBHOOK)), Map.of()));

        List<Endpoint> relay = List.of(
                new Endpoint("POST", "/relay/claim", "{\"worker_id\":\"intruder\",\"max\":10,\"wait_ms\":0}"),
                new Endpoint("POST", "/relay/results", "{\"id\":\"00000000-0000-0000-0000-000000000000\",\"worker_id\":\"intruder\","
                        + "\"outcome\":\"completed\",\"result\":{}}"),
                new Endpoint("POST", "/webhook/../relay/claim", "{\"worker_id\":\"intruder\",\"max\":10,\"wait_ms\":0}"));
        Map<String, Map<String, String>> workerCredentials = new java.util.LinkedHashMap<>();
        workerCredentials.put("no token", Map.of());
        workerCredentials.put("a wrong token", Map.of("X-Worker-Token", "wrong-token"));
        workerCredentials.put("a wrong Bearer", Map.of("Authorization", "Bearer wrong-token"));
        workerCredentials.put("the API key as token", Map.of("X-Worker-Token", TestClient.API_KEY));
        workerCredentials.put("the API key as Bearer", Map.of("Authorization", "Bearer " + TestClient.API_KEY));
        workerCredentials.put("the API key as X-API-Key", Map.of("X-API-Key", TestClient.API_KEY));
        for (Endpoint e : relay) {
            workerCredentials.forEach((what, headers) ->
                    rows.add(Arguments.of(Named.of(e.method() + " " + e.path() + " with " + what, e), headers)));
        }
        return rows.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wrongCredentials")
    void wrongCredentialsGet401AndChangeNothing(Endpoint endpoint, Map<String, String> headers) {
        int before = queued();
        int leased = count("SELECT count(*) FROM relay_webhooks WHERE status = 'processing'");
        var reply = "GET".equals(endpoint.method())
                ? client.get(endpoint.path(), headers)
                : client.post(endpoint.path(), endpoint.body(), headers);
        assertError(reply, 401, "unauthorized", null);
        assertThat(reply.raw().headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(reply.raw().body()).doesNotContain(TestClient.API_KEY).doesNotContain(TestClient.WORKER_TOKEN);
        assertThat(queued()).isEqualTo(before);
        assertThat(count("SELECT count(*) FROM relay_webhooks WHERE status = 'processing'")).isLessThanOrEqualTo(leased);
    }
}
