package dev.aiwebhook.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aiwebhook.config.AppProperties;
import org.junit.jupiter.api.Test;

/**
 * Which sync tasks may run on their caller's thread (LocalTaskRunner.reserve): git with a
 * subcommand that changes nothing, a time limit within the caller's wait, and a place free now.
 */
class TaskPlaceReservationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final LocalTaskRunner runner = new LocalTaskRunner(
            new TaskProperties(List.of("/tmp"), List.of("status", "log", "fetch", "checkout"), true, List.of("echo"),
                    Duration.ofSeconds(30), Duration.ofSeconds(120), 1024, 1, Duration.ofSeconds(1), "/usr/bin:/bin"),
            new AppProperties("all", null, null, null, null, "target/task-place-test", null, null));

    private static JsonNode payload(String action, Object command, Object timeout) {
        var params = new HashMap<String, Object>();
        params.put("command", command);
        if (timeout != null) {
            params.put("timeout", timeout);
        }
        return JSON.valueToTree(Map.of("type", "task_command", "data",
                Map.of("action_type", action, "params", params)));
    }

    @Test
    void aReadOnlyGitTaskWithinTheWaitGetsAPlace() {
        TaskPermit permit = runner.reserve(payload("git", List.of("git", "status"), null), 30_000);
        assertThat(permit).isNotNull();
        permit.release();
        TaskPermit fromText = runner.reserve(payload("git", "git log --oneline -5", 10), 10_000);
        assertThat(fromText).isNotNull();
        fromText.release();
    }

    @Test
    void anythingElseIsLeftToAWorkerThread() {
        // a limit past the wait (the default 30 s, or a given one), a shell task, a subcommand an
        // operator allowed that changes things, a command that is refused anyway
        assertThat(runner.reserve(payload("git", List.of("git", "status"), null), 29_999)).isNull();
        assertThat(runner.reserve(payload("git", List.of("git", "status"), 60), 30_000)).isNull();
        assertThat(runner.reserve(payload("shell", List.of("echo", "hi"), 1), 30_000)).isNull();
        assertThat(runner.reserve(payload("git", List.of("git", "fetch"), 1), 30_000)).isNull();
        assertThat(runner.reserve(payload("git", "git checkout main", 1), 30_000)).isNull();
        assertThat(runner.reserve(payload("git", 42, 1), 30_000)).isNull();
    }

    @Test
    void aPlaceIsGivenBackOnceAndOnlyOnce() {
        // one place in all (max-concurrent 1)
        TaskPermit first = runner.reserve(payload("git", List.of("git", "status"), 1), 30_000);
        assertThat(first).isNotNull();
        assertThat(runner.reserve(payload("git", List.of("git", "status"), 1), 30_000)).isNull();
        first.release();
        first.release();
        TaskPermit second = runner.reserve(payload("git", List.of("git", "status"), 1), 30_000);
        assertThat(second).isNotNull();
        assertThat(runner.reserve(payload("git", List.of("git", "status"), 1), 30_000)).as("released twice, counted once")
                .isNull();
        second.release();
    }
}
