package dev.aiwebhook;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SQL (and Camel expression) injection in session ids, keys, tags, titles, content and search
 * queries: every value is a bound parameter, so each is stored and read back literally, and
 * no table is harmed.
 */
class InjectionTest extends HostileSupport {

    private static final String RUN = UUID.randomUUID().toString().substring(0, 6);

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "'; DROP TABLE memories; --",
            "\" OR 1=1 --",
            "1' OR '1'='1",
            "x'); DELETE FROM sessions; --",
            "$$; DROP TABLE tasks; $$",
            "%' OR key LIKE '%",
            "'||(SELECT api_key FROM app_settings)||'",
            "\\'; TRUNCATE relay_webhooks; --",
            ":#session_id",
            "${header.clientId}",
            "{{app.api-key}}",
            "<script>alert(1)</script>",
            "-- just a comment",
            "a & b | !c <-> d:*"})
    void aHostileStringIsStoredAndReadBackLiterallyAndHarmsNothing(String hostile) {
        int sessions = count("SELECT count(*) FROM sessions");
        int memories = count("SELECT count(*) FROM memories");
        String sessionId = hostile + " " + RUN + "-" + Math.abs(hostile.hashCode());

        var created = client.command("create_session", sessionId, Map.of("title", hostile, "participants", List.of(hostile)));
        assertThat(created.status()).as(created.toString()).isEqualTo(200);
        assertThat(created.data().path("session_id").asText()).isEqualTo(sessionId);
        assertThat(created.data().path("title").asText()).isEqualTo(hostile);

        var stored = client.command("store_memory", sessionId, Map.of("type", "decision", "key", hostile,
                "content", Map.of("decision", hostile), "tags", List.of(hostile, "plain")));
        assertThat(stored.status()).as(stored.toString()).isEqualTo(200);
        assertThat(stored.data().path("key").asText()).isEqualTo(hostile);

        var read = client.command("retrieve_memory", sessionId, Map.of("key", hostile));
        assertThat(read.status()).as(read.toString()).isEqualTo(200);
        assertThat(read.data().path("memory").path("content").path("decision").asText()).isEqualTo(hostile);
        assertThat(read.data().path("memory").path("tags").toString()).contains(TestClient.json(hostile));

        var byTag = client.command("query_memories", sessionId, Map.of("tags", List.of(hostile)));
        assertThat(byTag.status()).as(byTag.toString()).isEqualTo(200);
        assertThat(byTag.data().path("count").asInt()).isEqualTo(1);
        var byText = client.command("query_memories", sessionId, Map.of("text", hostile));
        assertThat(byText.status()).as(byText.toString()).isEqualTo(200);

        var search = client.command("search", sessionId, Map.of("query", hostile));
        assertThat(search.status()).as(search.toString()).isEqualTo(200);
        var searchAll = client.command("search", null, Map.of("query", hostile, "scope", "all"));
        assertThat(searchAll.status()).as(searchAll.toString()).isEqualTo(200);

        var summary = client.command("get_session_summary", sessionId, null);
        assertThat(summary.data().path("title").asText()).isEqualTo(hostile);
        assertThat(summary.raw().body()).doesNotContain(TestClient.API_KEY);

        assertThat(db.queryForObject("SELECT key FROM memories WHERE session_id = ?", String.class, sessionId)).isEqualTo(hostile);
        for (String table : List.of("sessions", "memories", "memory_versions", "conversation_chunks", "tasks", "artifacts",
                "agents", "relay_webhooks", "worker_processed", "app_settings")) {
            assertThat(db.queryForObject("SELECT to_regclass(?) IS NOT NULL", Boolean.class, table)).as(table).isTrue();
        }
        assertThat(count("SELECT count(*) FROM sessions")).isEqualTo(sessions + 1);
        assertThat(count("SELECT count(*) FROM memories")).isEqualTo(memories + 1);
    }
}
