package dev.aiwebhook;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** batch: every command applied in one transaction, or none (SPEC §4). */
class BatchTest extends AppTestSupport {

    @Test
    void aBatchWhoseThirdCommandIsInvalidLeavesNothingAndCountersUnchanged() {
        String s = "batch-atomic-" + System.nanoTime();
        client.command("create_session", s, Map.of("title", "atomic"));
        client.command("store_memory", s, Map.of("type", "fact", "key", "kept", "content", "before the batch"));
        int versionsBefore = count("SELECT count(*) FROM memory_versions");
        var lastActivity = db.queryForObject("SELECT last_activity FROM sessions WHERE session_id = ?",
                java.sql.Timestamp.class, s);

        var reply = client.command("batch", s, Map.of("commands", List.of(
                Map.of("command", "store_memory", "data", Map.of("type", "idea", "content", "one")),
                Map.of("command", "store_memory", "data", Map.of("type", "fact", "key", "kept", "content", "overwritten")),
                Map.of("command", "store_memory", "data", Map.of("type", "not_a_type", "content", "three")),
                Map.of("command", "store_memory", "data", Map.of("type", "idea", "content", "four")))));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(400);
        assertThat(reply.code()).isEqualTo("invalid_field");
        assertThat(reply.field()).isEqualTo("commands[2].data.type");
        assertThat(reply.body().path("error").path("index").asInt()).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM memories WHERE session_id = ?", s)).isEqualTo(1);
        assertThat(db.queryForObject("SELECT content #>> '{}' FROM memories WHERE session_id = ? AND key = 'kept'",
                String.class, s)).isEqualTo("before the batch");
        assertThat(count("SELECT memory_count FROM sessions WHERE session_id = ?", s)).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM memory_versions")).isEqualTo(versionsBefore);
        assertThat(db.queryForObject("SELECT last_activity FROM sessions WHERE session_id = ?",
                java.sql.Timestamp.class, s)).isEqualTo(lastActivity);
    }

    @Test
    void aFailingCreateInsideABatchRollsBackTheSessionToo() {
        String s = "batch-create-" + System.nanoTime();
        var reply = client.command("batch", s, Map.of("commands", List.of(
                Map.of("command", "create_session", "data", Map.of("title", "new")),
                Map.of("command", "store_memory", "data", Map.of("type", "idea", "content", "x")),
                Map.of("command", "retrieve_memory", "data", Map.of("key", "missing")))));
        assertThat(reply.code()).as(reply.toString()).isEqualTo("memory_not_found");
        assertThat(reply.body().path("error").path("index").asInt()).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM sessions WHERE session_id = ?", s)).isZero();
        assertThat(count("SELECT count(*) FROM memories WHERE session_id = ?", s)).isZero();
    }

    @Test
    void aValidBatchOfTenAppliesAll() {
        String s = "batch-ten-" + System.nanoTime();
        List<Map<String, Object>> commands = new ArrayList<>();
        commands.add(Map.of("command", "create_session", "data", Map.of("title", "ten")));
        for (int i = 0; i < 9; i++) {
            commands.add(Map.of("command", "store_memory", "data",
                    Map.of("type", i % 2 == 0 ? "idea" : "question", "content", "item " + i)));
        }
        var reply = client.command("batch", s, Map.of("commands", commands));
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        assertThat(reply.body().path("command").asText()).isEqualTo("batch");
        assertThat(reply.data().path("processed").asInt()).isEqualTo(10);
        assertThat(reply.data().path("results")).hasSize(10);
        assertThat(reply.data().path("results").get(9).path("data").path("key").asText()).isEqualTo("idea_5");
        assertThat(count("SELECT count(*) FROM memories WHERE session_id = ?", s)).isEqualTo(9);
        assertThat(count("SELECT memory_count FROM sessions WHERE session_id = ?", s)).isEqualTo(9);
    }

    @Test
    void batchLimitsAndNesting() {
        String s = "batch-limits-" + System.nanoTime();
        List<Map<String, Object>> many = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            many.add(Map.of("command", "list_agents"));
        }
        assertThat(client.command("batch", s, Map.of("commands", many)).field()).isEqualTo("data.commands");
        assertThat(client.command("batch", s, Map.of("commands", List.of())).code()).isEqualTo("invalid_field");
        assertThat(client.command("batch", s, null).code()).isEqualTo("missing_field");
        var nested = client.command("batch", s, Map.of("commands", List.of(Map.of("command", "batch"))));
        assertThat(nested.field()).isEqualTo("commands[0].command");
        var unknown = client.command("batch", s, Map.of("commands", List.of(Map.of("command", "fly"))));
        assertThat(unknown.code()).isEqualTo("unknown_command");
    }
}
