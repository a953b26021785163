package dev.aiwebhook;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input gets the spec's status and error code, names the field, and stores nothing:
 * rejected at the door (nothing queued) or by the command (nothing applied).
 */
class BadInputTest extends AppTestSupport {

    static Stream<Arguments> rejectedAtTheDoor() {
        return Stream.of(
                Arguments.of("{\"type\": \"collaborative_session_command\", ", "invalid_json", null),
                Arguments.of("not json at all", "invalid_json", null),
                Arguments.of("", "invalid_json", null),
                Arguments.of("[{\"type\": \"collaborative_session_command\"}]", "invalid_json", null),
                Arguments.of("\"a string\"", "invalid_json", null),
                Arguments.of("{\"type\": \"x\"} trailing", "invalid_json", null),
                Arguments.of("{\"type\": \"a\", \"type\": \"b\"}", "invalid_json", null),
                Arguments.of("{\"type\": \"collaborative_session_command\", \"command\": \"list_agents\", \"n\": NaN}", "invalid_json", null),
                Arguments.of("{\"type\": \"pizza_order\", \"command\": \"create_session\"}", "unknown_type", "type"),
                Arguments.of("{\"type\": 42}", "unknown_type", "type"),
                Arguments.of("{\"command\": \"create_session\"}", "missing_field", "type"),
                Arguments.of("{\"type\": \"collaborative_session_command\"}", "missing_field", "command"),
                Arguments.of("{\"type\": \"collaborative_session_command\", \"command\": \"\"}", "missing_field", "command"),
                Arguments.of("{\"type\": \"collaborative_session_command\", \"command\": 7}", "invalid_field", "command"),
                Arguments.of("{\"type\": \"collaborative_session_command\", \"command\": \"store_memory\", \"data\": [1]}", "invalid_field", "data"),
                Arguments.of("{\"type\": \"collaborative_session_command\", \"command\": \"list_agents\", \"sync\": \"yes\"}", "invalid_field", "sync"),
                Arguments.of("{\"type\": \"collaborative_session_command\", \"command\": \"store_memory\", \"session_id\": \"a\", \"data\": {\"session_id\": \"b\"}}", "invalid_field", "session_id"),
                Arguments.of("{\"type\": \"collaborative_session_command\", \"command\": \"store_memory\", \"data\": {\"content\": \"a\\u0000b\"}}", "invalid_field", "data.content"),
                Arguments.of("{\"a\":".repeat(100) + "1" + "}".repeat(100), "invalid_json", null));
    }

    @ParameterizedTest
    @MethodSource("rejectedAtTheDoor")
    void rejectedAtTheDoorWithNothingQueued(String body, String code, String field) {
        int before = db.queryForObject("SELECT count(*) FROM relay_webhooks", Integer.class);
        var reply = client.webhook(body);
        assertThat(reply.status()).as(reply.toString()).isEqualTo(400);
        assertThat(reply.body().path("status").asText()).isEqualTo("error");
        assertThat(reply.code()).isEqualTo(code);
        assertThat(reply.field()).isEqualTo(field);
        assertThat(reply.body().path("message").asText()).isNotBlank().doesNotContain("Exception");
        assertThat(db.queryForObject("SELECT count(*) FROM relay_webhooks", Integer.class)).isEqualTo(before);
    }

    @Test
    void invalidUtf8IsInvalidJson() {
        byte[] body = "{\"type\": \"collaborative_session_command\", \"command\": \"x\u00ff\"}".getBytes(StandardCharsets.ISO_8859_1);
        var reply = client.postBytes("/webhook", body, Map.of("X-API-Key", TestClient.API_KEY));
        assertThat(reply.status()).as(reply.toString()).isEqualTo(400);
        assertThat(reply.code()).isEqualTo("invalid_json");
    }

    @Test
    void tooLargeIs413AndNothingQueued() {
        int before = db.queryForObject("SELECT count(*) FROM relay_webhooks", Integer.class);
        String big = "{\"type\": \"collaborative_session_command\", \"command\": \"store_memory\", \"data\": {\"content\": \""
                + "x".repeat(1_100_000) + "\"}}";
        var reply = client.webhook(big);
        assertThat(reply.status()).isEqualTo(413);
        assertThat(reply.code()).isEqualTo("payload_too_large");
        assertThat(db.queryForObject("SELECT count(*) FROM relay_webhooks", Integer.class)).isEqualTo(before);
    }

    static Stream<Arguments> rejectedByTheCommand() {
        return Stream.of(
                Arguments.of("fly_to_the_moon", "S", Map.of(), "unknown_command", "command", 400),
                Arguments.of("create_session", "new", Map.of(), "missing_field", "data.title", 400),
                Arguments.of("create_session", "new", Map.of("title", 12), "invalid_field", "data.title", 400),
                Arguments.of("create_session", "new", Map.of("title", "t", "participants", "x".repeat(300)), "invalid_field", "data.participants", 400),
                Arguments.of("create_session", "new", Map.of("title", "t", "participants", List.of(1)), "invalid_field", "data.participants[0]", 400),
                Arguments.of("create_session", "new", Map.of("title", "t", "metadata", "m"), "invalid_field", "data.metadata", 400),
                Arguments.of("create_session", "S", Map.of("title", "again"), "session_exists", "session_id", 409),
                Arguments.of("store_memory", "S", Map.of("content", "x"), "missing_field", "data.type", 400),
                Arguments.of("store_memory", "S", Map.of("type", "dream", "content", "x"), "invalid_field", "data.type", 400),
                Arguments.of("store_memory", "S", Map.of("type", "idea"), "missing_field", "data.content", 400),
                Arguments.of("store_memory", "S", Map.of("type", "idea", "content", 5), "invalid_field", "data.content", 400),
                Arguments.of("store_memory", "S", Map.of("type", "idea", "content", "x", "tags", Map.of("a", 1)), "invalid_field", "data.tags", 400),
                Arguments.of("store_memory", "S", Map.of("type", "idea", "content", "x", "tags", List.of("ok", 3)), "invalid_field", "data.tags[1]", 400),
                Arguments.of("store_memory", "S", Map.of("type", "idea", "content", "x", "key", ""), "invalid_field", "data.key", 400),
                Arguments.of("store_memory", null, Map.of("type", "idea", "content", "x"), "missing_field", "session_id", 400),
                Arguments.of("store_memory", "no-such-session", Map.of("type", "idea", "content", "x"), "session_not_found", "session_id", 404),
                Arguments.of("retrieve_memory", "S", Map.of(), "missing_field", "data.key", 400),
                Arguments.of("retrieve_memory", "S", Map.of("key", "nope"), "memory_not_found", "key", 404),
                Arguments.of("delete_memory", "S", Map.of("key", "nope"), "memory_not_found", "key", 404),
                Arguments.of("query_memories", "S", Map.of("type", "dream"), "invalid_field", "data.type", 400),
                Arguments.of("query_memories", "S", Map.of("filter", Map.of("types", List.of("idea", "dream"))), "invalid_field", "data.filter.types", 400),
                Arguments.of("query_memories", "S", Map.of("limit", 0), "invalid_field", "data.limit", 400),
                Arguments.of("query_memories", "S", Map.of("limit", "many"), "invalid_field", "data.limit", 400),
                Arguments.of("query_memories", "S", Map.of("tags_mode", "some"), "invalid_field", "data.tags_mode", 400),
                Arguments.of("query_memories", "S", Map.of("cursor", "abc"), "invalid_field", "data.cursor", 400),
                Arguments.of("query_memories", "no-such-session", Map.of(), "session_not_found", "session_id", 404),
                Arguments.of("list_sessions", null, Map.of("status", "sleeping"), "invalid_field", "data.status", 400),
                Arguments.of("list_sessions", null, Map.of("limit", 201), "invalid_field", "data.limit", 400),
                Arguments.of("get_session_summary", "no-such-session", Map.of(), "session_not_found", "session_id", 404),
                Arguments.of("pause_session", "no-such-session", Map.of(), "session_not_found", "session_id", 404));
    }

    @ParameterizedTest
    @MethodSource("rejectedByTheCommand")
    void rejectedByTheCommandWithNothingApplied(String command, String session, Map<String, ?> data,
                                                String code, String field, int status) {
        String s = "bad-input-session";
        if (db.queryForObject("SELECT count(*) FROM sessions WHERE session_id = ?", Integer.class, s) == 0) {
            client.command("create_session", s, Map.of("title", "for bad input"));
        }
        String sessionId = "S".equals(session) ? s : session;
        int memories = db.queryForObject("SELECT count(*) FROM memories", Integer.class);
        int sessions = db.queryForObject("SELECT count(*) FROM sessions", Integer.class);

        var reply = client.command(command, sessionId, data);

        assertThat(reply.status()).as(reply.toString()).isEqualTo(status);
        assertThat(reply.body().path("status").asText()).isEqualTo("error");
        assertThat(reply.body().path("command").asText()).isEqualTo(command);
        assertThat(reply.code()).isEqualTo(code);
        assertThat(reply.field()).isEqualTo(field);
        assertThat(reply.body().path("message").asText()).isNotBlank().doesNotContain("Exception");
        assertThat(db.queryForObject("SELECT count(*) FROM memories", Integer.class)).isEqualTo(memories);
        assertThat(db.queryForObject("SELECT count(*) FROM sessions", Integer.class)).isEqualTo(sessions);
        String id = reply.body().path("id").asText();
        var status2 = client.get("/webhook/" + id, Map.of("X-API-Key", TestClient.API_KEY));
        assertThat(status2.body().path("status").asText()).isEqualTo("failed");
        assertThat(status2.body().path("result").path("error").path("code").asText()).isEqualTo(code);
    }
}
