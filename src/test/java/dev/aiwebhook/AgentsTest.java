package dev.aiwebhook;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Delegated tasks run by the built-in agents, and memory_keeper's archival (SPEC §6). */
class AgentsTest extends AppTestSupport {

    private String session(String prefix) {
        String s = prefix + "-" + System.nanoTime();
        client.command("create_session", s, Map.of("title", prefix));
        return s;
    }

    private JsonNode awaitTask(String taskId) {
        JsonNode[] task = new JsonNode[1];
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            task[0] = client.command("get_task", null, Map.of("task_id", taskId)).data().path("task");
            assertThat(task[0].path("status").asText()).isIn("completed", "failed");
        });
        return task[0];
    }

    @Test
    void memoryKeeperWritesAReadableSessionReport() {
        String s = session("report");
        client.command("store_memory", s, Map.of("type", "decision", "content",
                Map.of("decision", "Use JWT", "rationale", "stateless across devices"), "tags", List.of("auth")));
        client.command("store_memory", s, Map.of("type", "question", "content", "Who rotates the keys?"));
        client.command("store_memory", s, Map.of("type", "action_item", "content", Map.of("task", "Write the ADR")));
        var delegated = client.command("delegate_task", s, Map.of("agent", "memory_keeper", "task_type", "session_report"));
        assertThat(delegated.status()).as(delegated.toString()).isEqualTo(200);
        assertThat(delegated.data().path("status").asText()).isEqualTo("pending");

        JsonNode task = awaitTask(delegated.data().path("task_id").asText());
        assertThat(task.path("status").asText()).as(task.toString()).isEqualTo("completed");
        String artifactId = task.path("output").path("artifact_id").asText();
        String report = client.command("get_artifact", null, Map.of("artifact_id", artifactId)).data()
                .path("artifact").path("content").asText();
        assertThat(report).startsWith("# Session report: report")
                .contains("## Decisions (1)").contains("Use JWT").contains("Rationale: stateless across devices")
                .contains("## Open questions (1)").contains("Who rotates the keys?")
                .contains("## Action items (1)").contains("Write the ADR");
        assertThat(client.command("search", s, Map.of("query", "rotates keys", "kinds", List.of("artifacts")))
                .data().path("count").asInt()).isEqualTo(1);
        assertThat(count("SELECT task_count FROM sessions WHERE session_id = ?", s)).isEqualTo(1);
        assertCountersMatchRows(s);
    }

    @Test
    void conversationProcessorReExtractsWithoutDuplicates() {
        String s = session("reextract");
        client.command("conversation_chunk", s, Map.of("content", "Idea: offline mode\nTODO: measure battery", "chunk_id", "x1"));
        // an extra memory deleted by hand comes back; the two still there are not duplicated
        db.update("DELETE FROM memories WHERE session_id = ? AND type = 'idea'", s);
        var delegated = client.command("delegate_task", s, Map.of("agent", "conversation_processor", "task_type", "extract"));
        JsonNode task = awaitTask(delegated.data().path("task_id").asText());
        assertThat(task.path("status").asText()).as(task.toString()).isEqualTo("completed");
        assertThat(task.path("output").path("memories_created").asInt()).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM memories WHERE session_id = ?", s)).isEqualTo(2);
        var again = client.command("delegate_task", s, Map.of("agent", "conversation_processor", "task_type", "extract"));
        assertThat(awaitTask(again.data().path("task_id").asText()).path("output").path("memories_created").asInt()).isZero();
        assertThat(count("SELECT memory_count FROM sessions WHERE session_id = ?", s)).isEqualTo(2);
        assertCountersMatchRows(s);
    }

    @Test
    void aTaskIdBeingRecordedByAnotherTaskRightNowGetsASuffixWithoutWaitingForIt() throws Exception {
        String s = session("same-id");
        String taskId = "t-held-" + System.nanoTime();
        try (Connection other = db.getDataSource().getConnection()) {
            // a local task with this id, running: its row and its lock held until it ends
            other.setAutoCommit(false);
            try (PreparedStatement insert = other.prepareStatement("INSERT INTO tasks (task_id, kind, task_type, input, status)"
                    + " VALUES (app_task_id(?), 'local', 'git', '{}', 'running') RETURNING task_id")) {
                insert.setString(1, taskId);
                try (var row = insert.executeQuery()) {
                    assertThat(row.next()).isTrue();
                    assertThat(row.getString(1)).isEqualTo(taskId);
                }
            }
            ExecutorService one = Executors.newSingleThreadExecutor();
            try {
                var delegated = one.submit(() -> client.command("delegate_task", s, Map.of("agent", "memory_keeper",
                        "task_type", "session_report", "task_id", taskId))).get(10, TimeUnit.SECONDS);
                assertThat(delegated.status()).as(delegated.toString()).isEqualTo(200);
                assertThat(delegated.data().path("task_id").asText()).startsWith(taskId + "-");
            } finally {
                one.shutdownNow();
                other.rollback();
            }
        }
    }

    @Test
    void aSuffixAlreadyTakenIsNotGivenAgain() throws Exception {
        String taskId = "t-reused-" + System.nanoTime();
        try (Connection c = db.getDataSource().getConnection()) {
            // the suffix app_task_id draws first after setseed(0.42), taken by an earlier task
            String firstDraw;
            try (var st = c.createStatement()) {
                st.execute("SELECT setseed(0.42)");
                try (var row = st.executeQuery("SELECT substr(md5(random()::text), 1, 6)")) {
                    row.next();
                    firstDraw = row.getString(1);
                }
            }
            for (String id : List.of(taskId, taskId + "-" + firstDraw)) {
                db.update("INSERT INTO tasks (task_id, kind, task_type, input, status) VALUES (?, 'local', 'git', '{}', 'completed')", id);
            }
            try (var st = c.createStatement()) {
                st.execute("SELECT setseed(0.42)");
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO tasks (task_id, kind, task_type, input, status)"
                    + " VALUES (app_task_id(?), 'local', 'git', '{}', 'running') RETURNING task_id")) {
                insert.setString(1, taskId);
                try (var row = insert.executeQuery()) {
                    assertThat(row.next()).isTrue();
                    assertThat(row.getString(1)).startsWith(taskId + "-").isNotEqualTo(taskId + "-" + firstDraw);
                }
            }
        }
        assertThat(count("SELECT count(*) FROM tasks WHERE task_id LIKE ?", taskId + "%")).isEqualTo(3);
    }

    @Test
    void unknownAgentsAndTaskTypes() {
        String s = session("unknown-agent");
        var unknown = client.command("delegate_task", s, Map.of("agent", "santa"));
        assertThat(unknown.code()).isEqualTo("agent_not_found");
        assertThat(client.command("delegate_task", s, Map.of()).field()).isEqualTo("data.agent");
        var badType = client.command("delegate_task", s, Map.of("agent", "memory_keeper", "task_type", "juggle"));
        JsonNode task = awaitTask(badType.data().path("task_id").asText());
        assertThat(task.path("status").asText()).isEqualTo("failed");
        assertThat(task.path("error").asText()).contains("cannot do task_type 'juggle'");
    }

    @Test
    void concurrentRunnersRunEachTaskOnce() {
        String s = session("runners");
        client.command("store_memory", s, Map.of("type", "fact", "content", "x"));
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            ids.add(client.command("delegate_task", s, Map.of("agent", "memory_keeper", "task_type", "session_report"))
                    .data().path("task_id").asText());
        }
        for (String id : ids) {
            assertThat(awaitTask(id).path("status").asText()).isEqualTo("completed");
        }
        // one report artifact per task: a task run twice would have failed on its artifact id
        assertThat(count("SELECT count(*) FROM artifacts WHERE session_id = ?", s)).isEqualTo(12);
        assertThat(count("SELECT count(*) FROM tasks WHERE session_id = ? AND status = 'completed'", s)).isEqualTo(12);
    }

    @Test
    void aTaskWhoseRunnerDiedIsRunAgain() {
        String s = session("stale");
        String taskId = "stale-" + System.nanoTime();
        db.update("INSERT INTO tasks (task_id, session_id, kind, agent, task_type, status, started_at) "
                + "VALUES (?, ?, 'delegated', 'memory_keeper', 'session_report', 'running', now() - interval '1 hour')", taskId, s);
        JsonNode task = awaitTask(taskId);
        assertThat(task.path("status").asText()).isEqualTo("completed");
        assertThat(count("SELECT count(*) FROM artifacts WHERE task_id = ?", taskId)).isEqualTo(1);
        assertThat(count("SELECT attempts FROM tasks WHERE task_id = ?", taskId)).isEqualTo(1);
    }

    @Test
    void aTaskThatKeepsKillingItsRunnerIsFailedAfterTheCap() {
        String s = session("poison");
        String taskId = "poison-" + System.nanoTime();
        db.update("INSERT INTO tasks (task_id, session_id, kind, agent, task_type, status, started_at, attempts) "
                + "VALUES (?, ?, 'delegated', 'memory_keeper', 'session_report', 'running', now() - interval '1 hour', 3)",
                taskId, s);
        JsonNode task = awaitTask(taskId);
        assertThat(task.path("status").asText()).isEqualTo("failed");
        assertThat(task.path("error").asText()).contains("3 times").contains("not tried again");
        assertThat(count("SELECT count(*) FROM artifacts WHERE task_id = ?", taskId)).isZero();
        assertCountersMatchRows(s);
    }

    @Test
    void agentsAreListedWithAMovingHeartbeat() {
        var agents = client.command("list_agents", null, null);
        assertThat(agents.data().path("agents").findValuesAsText("name")).contains("memory_keeper", "conversation_processor");
        assertThat(agents.data().path("agents").findValuesAsText("status")).containsOnly("active");
        assertThat(agents.data().path("agents").get(0).path("capabilities")).isNotEmpty();
        String first = agents.data().path("agents").get(0).path("last_heartbeat").asText();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(client.command("list_agents", null, null)
                .data().path("agents").get(0).path("last_heartbeat").asText()).isNotEqualTo(first));
    }

    @Test
    void completedSessionsAreArchivedOnScheduleAndStayReadable() {
        String s = session("archive");
        client.command("store_memory", s, Map.of("type", "fact", "content", "archived facts stay searchable"));
        client.command("conversation_chunk", s, Map.of("content", "TODO: archive the notes"));
        client.command("add_artifact", s, Map.of("name", "notes", "content", "kept after archival"));
        assertCountersMatchRows(s);
        client.command("complete_session", s, null);
        assertCountersMatchRows(s);
        db.update("UPDATE sessions SET completed_at = now() - interval '2 hours' WHERE session_id = ?", s);
        await().atMost(Duration.ofSeconds(10)).until(() ->
                "archived".equals(db.queryForObject("SELECT status FROM sessions WHERE session_id = ?", String.class, s)));
        assertCountersMatchRows(s);
        assertThat(client.command("list_sessions", null, Map.of("limit", 200)).data().path("sessions")
                .findValuesAsText("session_id")).doesNotContain(s);
        assertThat(client.command("list_sessions", null, Map.of("status", "archived", "limit", 200)).data().path("sessions")
                .findValuesAsText("session_id")).contains(s);
        var summary = client.command("get_session_summary", s, null);
        assertThat(summary.data().path("status").asText()).isEqualTo("archived");
        assertThat(summary.data().path("stats").path("memories").asInt()).isEqualTo(2);
        assertThat(client.command("search", s, Map.of("query", "archived facts", "kinds", List.of("memories")))
                .data().path("count").asInt()).isEqualTo(1);
        // a delegated report on the archived session is still written, and counted
        var report = client.command("delegate_task", s, Map.of("agent", "memory_keeper", "task_type", "session_report"));
        assertThat(awaitTask(report.data().path("task_id").asText()).path("status").asText()).isEqualTo("completed");
        assertCountersMatchRows(s);
        assertThat(count("SELECT artifact_count FROM sessions WHERE session_id = ?", s)).isEqualTo(2);
    }
}
