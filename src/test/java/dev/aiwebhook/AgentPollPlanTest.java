package dev.aiwebhook;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The agent runners' poll (sql/agents/claim_task.sql, twice a second per runner, work or not)
 * reads only the delegated tasks still open, however many local tasks are recorded beside them
 * (V7): without its index every poll read the whole tasks table.
 */
class AgentPollPlanTest extends AppTestSupport {

    @Test
    void aPollReadsOnlyOpenDelegatedTasksHoweverManyLocalTasksAreRecorded() throws Exception {
        String prefix = "poll-" + System.nanoTime();
        // what months of git status leave behind; triggers off (session counters: no session here)
        db.execute("DO $$ BEGIN SET LOCAL session_replication_role = replica; "
                + "INSERT INTO tasks (task_id, kind, task_type, status, exit_code, started_at, completed_at) "
                + "SELECT '" + prefix + "-' || g, 'local', 'git', 'completed', 0, now(), now() "
                + "FROM generate_series(1, 20000) g; END $$");
        try {
            db.execute("ANALYZE tasks");
            String plan = explain("agents/claim_task.sql", Map.of("maxAttempts", "3", "staleSeconds", "600"));

            assertThat(plan).doesNotContain("Seq Scan on tasks");
            // both parts of the poll: the tasks given up, and the next task to claim
            assertThat(Pattern.compile("tasks_delegated_open_idx").matcher(plan).results().count()).as(plan).isEqualTo(2);

            // and a runner still finds delegated work among them, and runs it
            String s = "poll-session-" + System.nanoTime();
            client.command("create_session", s, Map.of("title", "poll"));
            var delegated = client.command("delegate_task", s, Map.of("agent", "memory_keeper", "task_type", "session_report"));
            assertThat(delegated.status()).as(delegated.toString()).isEqualTo(200);
            String taskId = delegated.data().path("task_id").asText();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                    db.queryForObject("SELECT status FROM tasks WHERE task_id = ?", String.class, taskId)).isEqualTo("completed"));
        } finally {
            db.update("DELETE FROM tasks WHERE task_id LIKE ?", prefix + "-%");
            db.execute("VACUUM ANALYZE tasks");   // the shared database's tasks as the other tests find them
        }
    }
}
