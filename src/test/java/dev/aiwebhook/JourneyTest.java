package dev.aiwebhook;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** SPEC §1, journey 1 (without the git step): walking the dog, then at the desk. */
class JourneyTest extends AppTestSupport {

    @Test
    void walkingTheDogThenAtTheDesk() {
        String s = "journey-carbon-" + System.nanoTime();
        var created = client.command("create_session", s, Map.of("title", "carbon-tracking-feature",
                "participants", List.of("me", "assistant")));
        assertThat(created.status()).as(created.toString()).isEqualTo(200);
        assertThat(created.body().path("status").asText()).isEqualTo("success");
        assertThat(created.data().path("session_id").asText()).isEqualTo(s);
        assertThat(created.body().path("id").asText()).isNotBlank();

        var idea = client.command("store_memory", s, Map.of("type", "idea",
                "content", Map.of("idea", "Show a weekly CO2 chart"), "tags", List.of("ui")));
        assertThat(idea.data().path("key").asText()).isEqualTo("idea_1");
        var decision = client.command("store_memory", s, Map.of("type", "decision", "key", "storage",
                "content", Map.of("decision", "Store trips in PostgreSQL", "rationale", "We already run it"),
                "tags", List.of("backend")));
        assertThat(decision.status()).as(decision.toString()).isEqualTo(200);
        // the message names the memory's type and session (the route reads them as variables)
        assertThat(decision.body().path("message").asText()).isEqualTo("Stored the decision in session '" + s + "'.");
        var nowhere = client.command("store_memory", s + "-gone", Map.of("type", "idea", "content", "x"));
        assertThat(nowhere.body().path("message").asText())
                .isEqualTo("No session '" + s + "-gone'; create it with create_session first.");
        var action = client.command("store_memory", s, Map.of("type", "action_item",
                "content", "Draft the emissions table"));
        assertThat(action.data().path("key").asText()).isEqualTo("action_item_1");

        // an hour later, in a new conversation: the session id sits inside data this time
        var decisions = client.command("query_memories", null, Map.of("session_id", s, "type", "decision"));
        assertThat(decisions.status()).as(decisions.toString()).isEqualTo(200);
        JsonNode found = decisions.data().path("memories");
        assertThat(found).hasSize(1);
        assertThat(found.get(0).path("content").path("rationale").asText()).isEqualTo("We already run it");
        assertThat(decisions.data().path("count").asInt()).isEqualTo(1);

        var summary = client.command("get_session_summary", s, null);
        JsonNode stats = summary.data().path("stats");
        assertThat(stats.path("memories").asInt()).isEqualTo(3);
        assertThat(stats.path("memories_by_type").path("decision").asInt()).isEqualTo(1);
        assertThat(stats.path("memories_by_type").path("idea").asInt()).isEqualTo(1);
        assertThat(stats.path("memories_by_type").path("action_item").asInt()).isEqualTo(1);
        assertThat(summary.data().path("status").asText()).isEqualTo("active");

        assertThat(db.queryForObject("SELECT memory_count FROM sessions WHERE session_id = ?", Integer.class, s))
                .isEqualTo(3);
        assertThat(db.queryForObject("SELECT count(*) FROM memories WHERE session_id = ?", Integer.class, s))
                .isEqualTo(3);
    }

    @Test
    void memoryUpdatesKeepHistoryAndDeletesKeepCountersRight() {
        String s = "journey-history-" + System.nanoTime();
        client.command("create_session", s, Map.of("title", "history"));
        client.command("store_memory", s, Map.of("type", "fact", "key", "mcp", "content", "MCP is a protocol"));
        var second = client.command("store_memory", s, Map.of("type", "fact", "key", "mcp",
                "content", "MCP is the Model Context Protocol", "tags", List.of("mcp")));
        assertThat(second.data().path("version").asInt()).isEqualTo(2);
        assertThat(second.data().path("action").asText()).isEqualTo("updated");

        var got = client.command("retrieve_memory", s, Map.of("key", "mcp"));
        assertThat(got.data().path("memory").path("content").asText()).isEqualTo("MCP is the Model Context Protocol");
        assertThat(got.data().path("previous_versions").asInt()).isEqualTo(1);
        assertThat(db.queryForObject("SELECT v.content #>> '{}' FROM memory_versions v JOIN memories m ON m.id = v.memory_id"
                + " WHERE m.session_id = ? AND v.version = 1", String.class, s)).isEqualTo("MCP is a protocol");

        var history = client.command("memory_history", s, Map.of("key", "mcp"));
        assertThat(history.data().path("versions").findValuesAsText("version")).containsExactly("2", "1");

        var deleted = client.command("delete_memory", s, Map.of("key", "mcp"));
        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
        assertThat(client.command("retrieve_memory", s, Map.of("key", "mcp")).code()).isEqualTo("memory_not_found");
        assertThat(client.command("list_memories", s, null).data().path("count").asInt()).isZero();
        assertThat(db.queryForObject("SELECT memory_count FROM sessions WHERE session_id = ?", Integer.class, s)).isZero();
        assertThat(db.queryForObject("SELECT count(*) FROM memory_versions v JOIN memories m ON m.id = v.memory_id"
                + " WHERE m.session_id = ?", Integer.class, s)).isEqualTo(2);
    }

    @Test
    void automaticKeysNeverOverwriteAnExistingMemory() {
        String s = "journey-keys-" + System.nanoTime();
        client.command("create_session", s, Map.of("title", "keys"));
        client.command("store_memory", s, Map.of("type", "idea", "key", "idea_999999999", "content", "kept"));
        assertThat(client.command("store_memory", s, Map.of("type", "idea", "content", "a")).data().path("key").asText())
                .isEqualTo("idea_1000000000");
        var next = client.command("store_memory", s, Map.of("type", "idea", "content", "b"));
        assertThat(next.data().path("key").asText()).isEqualTo("idea_1000000001");
        assertThat(next.data().path("action").asText()).isEqualTo("created");
        assertThat(count("SELECT count(*) FROM memories WHERE session_id = ?", s)).isEqualTo(3);
    }

    @Test
    void sessionLifecycleAndListing() {
        String s = "journey-life-" + System.nanoTime();
        client.command("create_session", s, Map.of("title", "lifecycle"));
        assertThat(client.command("pause_session", s, null).data().path("status").asText()).isEqualTo("paused");
        assertThat(client.command("resume_session", s, null).data().path("status").asText()).isEqualTo("active");
        var done = client.command("complete_session", s, null);
        assertThat(done.data().path("status").asText()).isEqualTo("completed");
        assertThat(done.data().path("completed_at").isNull()).isFalse();
        assertThat(client.command("pause_session", s, null).code()).isEqualTo("conflict");

        var completed = client.command("list_sessions", null, Map.of("status", "completed", "limit", 200));
        assertThat(completed.data().path("sessions").findValuesAsText("session_id")).contains(s);
        var active = client.command("list_sessions", null, Map.of("status", "active", "limit", 200));
        assertThat(active.data().path("sessions").findValuesAsText("session_id")).doesNotContain(s);
        assertThat(client.command("create_session", s, Map.of("title", "again")).code()).isEqualTo("session_exists");
    }

    @Test
    void pagesWalkEveryMemoryOnceWithTheCursor() {
        String s = "journey-pages-" + System.nanoTime();
        client.command("create_session", s, Map.of("title", "pages"));
        for (int i = 0; i < 7; i++) {
            client.command("store_memory", s, Map.of("type", "note", "content", "note " + i,
                    "tags", i % 2 == 0 ? List.of("even") : List.of("odd")));
        }
        List<String> seen = new java.util.ArrayList<>();
        String cursor = null;
        do {
            Map<String, Object> data = new java.util.HashMap<>(Map.of("limit", 3));
            if (cursor != null) {
                data.put("cursor", cursor);
            }
            var page = client.command("list_memories", s, data);
            page.data().path("memories").forEach(m -> seen.add(m.path("key").asText()));
            cursor = page.data().path("next_cursor").isNull() ? null : page.data().path("next_cursor").asText();
        } while (cursor != null);
        assertThat(seen).containsExactly("note_7", "note_6", "note_5", "note_4", "note_3", "note_2", "note_1");

        var even = client.command("query_memories", s, Map.of("tags", List.of("even")));
        assertThat(even.data().path("count").asInt()).isEqualTo(4);
        var both = client.command("query_memories", s, Map.of("tags", List.of("even", "odd"), "tags_mode", "all"));
        assertThat(both.data().path("count").asInt()).isZero();
        var text = client.command("query_memories", s, Map.of("text", "note 3"));
        assertThat(text.data().path("memories").findValuesAsText("key")).contains("note_4");
    }
}
