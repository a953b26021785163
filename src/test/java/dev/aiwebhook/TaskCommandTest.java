package dev.aiwebhook;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Local tasks on real processes and a real git repository ({@link TaskRepository}), under the
 * root target/task-roots/allowed (configured in {@link AppTest}); shell is enabled there for sh,
 * echo and sleep only.
 */
class TaskCommandTest extends AppTestSupport {

    static final Path ROOT = TaskRepository.ROOT;
    static final Path REPO = TaskRepository.REPO;
    static final Path OUTSIDE = Path.of("target/task-roots/outside").toAbsolutePath();

    @BeforeAll
    static void makeRepository() throws Exception {
        TaskRepository.ensure();
        Files.createDirectories(OUTSIDE);
        if (!Files.exists(ROOT.resolve("escape"), LinkOption.NOFOLLOW_LINKS)) {
            Files.createSymbolicLink(ROOT.resolve("escape"), OUTSIDE);
        }
    }

    private TestClient.Reply task(String action, Object command, String dir, Map<String, ?> extra) {
        Map<String, Object> params = new java.util.HashMap<>(Map.of("command", command));
        if (dir != null) {
            params.put("working_dir", dir);
        }
        params.putAll(extra);
        return client.webhook(TestClient.json(Map.of("type", "task_command", "sync", true,
                "data", Map.of("task_id", "t-" + System.nanoTime(), "action_type", action, "params", params))));
    }

    @Test
    void gitStatusLogAndDiffReturnTheirOutput() {
        var status = task("git", List.of("git", "status", "--short"), REPO.toString(), Map.of());
        assertThat(status.status()).as(status.toString()).isEqualTo(200);
        assertThat(status.data().path("exit_code").asInt()).isZero();
        assertThat(status.data().path("stdout").asText()).contains(" M README.md").contains("?? new.txt");
        assertThat(status.data().path("duration_ms").asLong()).isNotNegative();
        assertThat(status.data().path("truncated").asBoolean()).isFalse();

        var log = task("git", "git log -5 --format=\"%s by %an\"", REPO.toString(), Map.of());
        assertThat(log.data().path("stdout").asText().trim()).isEqualTo("first commit by t");

        var range = task("git", "git log --oneline HEAD~0..HEAD -- README.md", REPO.toString(), Map.of());
        assertThat(range.status()).as(range.toString()).isEqualTo(200);
        var diff = task("git", List.of("git", "diff"), REPO.toString(), Map.of());
        assertThat(diff.data().path("stdout").asText()).contains("+changed");

        String taskId = status.data().path("task_id").asText();
        JsonNode row = client.command("get_task", null, Map.of("task_id", taskId)).data().path("task");
        assertThat(row.path("status").asText()).isEqualTo("completed");
        assertThat(row.path("exit_code").asInt()).isZero();
        assertThat(row.path("kind").asText()).isEqualTo("local");
        assertThat(row.path("requested_by").asText()).hasSize(16);
        assertThat(row.path("output").path("stdout").asText()).contains("README.md");
        assertThat(count("SELECT count(*) FROM tasks WHERE task_id = ? AND completed_at IS NOT NULL", taskId)).isEqualTo(1);
    }

    /**
     * A sync git task whose time limit fits within its caller's wait (20 s here) runs on the
     * caller's thread: the relay's row is inserted, applied and completed by one transaction
     * (now() is a transaction's start). One that may run longer than the wait (the default 30 s)
     * is stored by the intake first and run on a worker thread, so its caller still gets 202 when
     * the wait is over; so is a shell task, which may change things, whatever its time limit. A
     * refused or failing git task gives its place back: with a cap of 2, the runs after them still
     * find a place at once and are still stored by one transaction.
     */
    @Test
    void aSyncTaskThatFitsItsCallersWaitIsStoredByTheTransactionThatRunsIt() {
        for (int i = 0; i < 3; i++) {
            // refused by GitPolicy after its place was reserved, before it could run
            var refused = task("git", List.of("git", "log", "--output=x"), REPO.toString(), Map.of("timeout", 10));
            assertThat(refused.code()).as(refused.toString()).isEqualTo("task_rejected");
            var failed = inline(List.of("git", "log", "no-such-revision"));
            assertThat(failed.data().path("exit_code").asInt()).as(failed.toString()).isEqualTo(128);
            var status = inline(List.of("git", "status", "--short"));
            assertThat(status.status()).as(status.toString()).isEqualTo(200);
            assertThat(status.data().path("stdout").asText()).contains("?? new.txt");
            assertThat(count("SELECT count(*) FROM tasks WHERE task_id = ? AND status = 'completed'",
                    status.data().path("task_id").asText())).isEqualTo(1);
        }

        var longer = task("git", List.of("git", "status", "--short"), REPO.toString(), Map.of());
        assertThat(longer.status()).as(longer.toString()).isEqualTo(200);
        assertThat(storedByOneTransaction(longer)).isFalse();
        var shell = task("shell", List.of("echo", "hi"), REPO.toString(), Map.of("timeout", 10));
        assertThat(shell.data().path("stdout").asText()).as(shell.toString()).isEqualTo("hi\n");
        assertThat(storedByOneTransaction(shell)).isFalse();
    }

    @Test
    void twoTasksGivenTheSameTaskIdAtOnceAreBothRunAndRecorded() throws Exception {
        // the tests allow two tasks at once; each holds its task row uncommitted while it runs
        String taskId = "t-same-" + System.nanoTime();
        Callable<TestClient.Reply> call = () -> client.webhook(TestClient.json(Map.of("type", "task_command", "sync", true,
                "data", Map.of("task_id", taskId, "action_type", "shell", "params",
                        Map.of("command", List.of("sh", "-c", "sleep 0.5; echo done"), "working_dir", REPO.toString(),
                                "timeout", 10)))));
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            List<Future<TestClient.Reply>> replies = two.invokeAll(List.of(call, call));
            for (Future<TestClient.Reply> reply : replies) {
                assertThat(reply.get().status()).as(reply.get().toString()).isEqualTo(200);
                assertThat(reply.get().data().path("stdout").asText()).isEqualTo("done\n");
            }
            assertThat(replies.stream().map(r -> taskIdOf(r)).distinct()).hasSize(2);
        } finally {
            two.shutdownNow();
        }
        // they overlapped (each ran 0.5 s): else this would pass without the lock
        assertThat(count("SELECT count(*) FROM tasks a JOIN tasks b ON a.id < b.id"
                + " WHERE (a.task_id = ? OR a.task_id LIKE ?) AND (b.task_id = ? OR b.task_id LIKE ?)"
                + " AND a.started_at < b.completed_at AND b.started_at < a.completed_at",
                taskId, taskId + "-%", taskId, taskId + "-%")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM tasks WHERE (task_id = ? OR task_id LIKE ?) AND status = 'completed'",
                taskId, taskId + "-%")).isEqualTo(2);
    }

    @Test
    void aTaskIdCommittedByAnotherWriterWhileTheTaskWasBeingRecordedIsAConflictAndNothingRuns() throws Exception {
        // a writer that bypasses app_task_id holds the id uncommitted, without its lock, then
        // commits while this task's insert waits on the unique key
        String taskId = "t-race-" + System.nanoTime();
        Path marker = REPO.resolve("ran-" + taskId);
        try (Connection other = db.getDataSource().getConnection()) {
            other.setAutoCommit(false);
            try (PreparedStatement insert = other.prepareStatement("INSERT INTO tasks (task_id, kind, task_type, input, status)"
                    + " VALUES (?, 'local', 'git', '{}', 'completed')")) {
                insert.setString(1, taskId);
                insert.executeUpdate();
            }
            ExecutorService one = Executors.newSingleThreadExecutor();
            Future<TestClient.Reply> reply = one.submit(() -> client.webhook(TestClient.json(
                    Map.of("type", "task_command", "sync", true, "data", Map.of("task_id", taskId, "action_type", "shell",
                            "params", Map.of("command", List.of("sh", "-c", "touch " + marker), "working_dir", REPO.toString(),
                                    "timeout", 10))))));
            await().atMost(Duration.ofSeconds(10)).until(() -> count("SELECT count(*) FROM pg_stat_activity"
                    + " WHERE wait_event_type = 'Lock' AND query LIKE '%INSERT INTO tasks%'") > 0);
            other.commit();

            TestClient.Reply answer = reply.get(20, TimeUnit.SECONDS);
            one.shutdown();
            assertThat(answer.status()).as(answer.toString()).isEqualTo(409);
            assertThat(answer.code()).isEqualTo("conflict");
            assertThat(answer.body().path("message").asText()).contains(taskId);
        }
        assertThat(Files.exists(marker)).as("the task did not run").isFalse();
        assertThat(count("SELECT count(*) FROM tasks WHERE task_id = ?", taskId)).isEqualTo(1);
    }

    private static String taskIdOf(Future<TestClient.Reply> reply) {
        try {
            return reply.get().data().path("task_id").asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aSyncGitTaskForAMissingSessionIsRefusedRecordedAndGivesItsPlaceBack() {
        for (int i = 0; i < 3; i++) {   // the tests allow two tasks at once: a place kept would show
            String taskId = "t-missing-" + System.nanoTime();
            var reply = client.webhook(TestClient.json(Map.of("type", "task_command", "sync", true,
                    "data", Map.of("task_id", taskId, "session_id", "no-such-session-" + taskId, "action_type", "git",
                            "params", Map.of("command", List.of("git", "status"), "working_dir", REPO.toString(),
                                    "timeout", 10)))));
            assertThat(reply.status()).as(reply.toString()).isEqualTo(404);
            assertThat(reply.code()).isEqualTo("session_not_found");
            assertThat(count("SELECT count(*) FROM tasks WHERE task_id = ? AND status <> 'rejected'", taskId))
                    .as("nothing of the task stored but its refusal").isZero();
            assertThat(db.queryForObject("SELECT status FROM relay_webhooks WHERE id = ?", String.class,
                    reply.body().path("id").asText())).isEqualTo("failed");
        }
        var status = inline(List.of("git", "status", "--short"));
        assertThat(status.data().path("stdout").asText()).as(status.toString()).contains("?? new.txt");
    }

    /**
     * A sync git task with a 10 s limit, which is run on its caller's thread. A worker slot is
     * not waited for, and the in-process poller holds the free ones for the length of its claim
     * about once a second: a task sent in that moment goes the worker's way, so up to three are
     * sent. With places leaking, the third round's tasks are refused ("Too many tasks").
     */
    private TestClient.Reply inline(List<String> command) {
        TestClient.Reply reply = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            reply = task("git", command, REPO.toString(), Map.of("timeout", 10));
            if (storedByOneTransaction(reply)) {
                return reply;
            }
        }
        throw new AssertionError("not stored by the transaction that ran it, three times: " + reply);
    }

    /**
     * Completed, and inserted, applied and completed by one transaction (false when not completed):
     * the relay row and the task's row carry that transaction's now(), and there is no
     * exactly-once marker, which only a delivered webhook gets (sql/worker/begin_delivery.sql).
     */
    private boolean storedByOneTransaction(TestClient.Reply reply) {
        return Boolean.TRUE.equals(db.queryForList("""
                SELECT w.received_at = w.completed_at AND t.created_at = w.completed_at
                       AND NOT EXISTS (SELECT 1 FROM worker_processed p WHERE p.webhook_id = w.id)
                FROM relay_webhooks w JOIN tasks t ON t.task_id = w.result->'data'->>'task_id'
                WHERE w.id = ? AND w.status = 'completed'""", Boolean.class, reply.body().path("id").asText())
                .stream().findFirst().orElse(false));
    }

    @Test
    void aStringCommandIsSplitWithoutAShell() throws Exception {
        Path marker = ROOT.resolve("pwned");
        Files.deleteIfExists(marker);
        var reply = task("git", "git status; touch " + marker + " && echo $(id) `id` > x | cat *", REPO.toString(), Map.of());
        assertThat(reply.code()).as(reply.toString()).isEqualTo("task_rejected");
        var shell = task("shell", "echo a;b && $(id) `id` | > * ~", REPO.toString(), Map.of());
        assertThat(shell.status()).as(shell.toString()).isEqualTo(200);
        assertThat(shell.data().path("stdout").asText()).isEqualTo("a;b && $(id) `id` | > * ~\n");
        assertThat(marker).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(strings = {"git -c core.pager=sh status", "git -C /tmp status", "git --exec-path=/tmp status",
            "git --git-dir=/tmp/x status", "git push", "git commit -m x", "git config core.fsmonitor x",
            "git st", "git branch -D main", "git branch newbranch", "git tag v1", "git log --output=/tmp/x",
            "git diff --no-index /etc/passwd README.md", "git diff --ext-diff", "git fetch --upload-pack=x",
            "git log --exec=id", "rm -rf /", "git diff /etc/passwd /dev/null", "git diff ../outside README.md",
            "git blame --contents /etc/passwd README.md", "git blame --contents=../x README.md", "git diff -O/etc/passwd",
            "git show HEAD:../../etc/passwd", "git ls-files --exclude-from=/etc/passwd", "git log -- ~/secret"})
    void dangerousGitIsRefused(String command) {
        int rejectedBefore = count("SELECT count(*) FROM tasks WHERE status = 'rejected'");
        var reply = task("git", command, REPO.toString(), Map.of());
        assertThat(reply.status()).as(reply.toString()).isEqualTo(403);
        assertThat(reply.code()).isEqualTo("task_rejected");
        assertThat(reply.field()).isEqualTo("params.command");
        await().atMost(Duration.ofSeconds(5)).until(() ->
                count("SELECT count(*) FROM tasks WHERE status = 'rejected'") == rejectedBefore + 1);
    }

    @Test
    void repositoryConfigCannotRunPrograms() throws Exception {
        Path marker = ROOT.resolve("fsmonitor-ran");
        Files.deleteIfExists(marker);
        Path evil = ROOT.resolve("evil-repo");
        if (!Files.exists(evil.resolve(".git"))) {
            Files.createDirectories(evil);
            TaskRepository.run(evil, "git", "init", "-q");
            TaskRepository.run(evil, "git", "config", "core.fsmonitor", "touch " + marker + "; false");
            TaskRepository.run(evil, "git", "config", "core.pager", "touch " + marker);
            TaskRepository.run(evil, "git", "config", "alias.status", "!touch " + marker);
        }
        var reply = task("git", List.of("git", "status"), evil.toString(), Map.of());
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        assertThat(marker).doesNotExist();
    }

    @Test
    void workingDirectoriesOutsideTheRootsAreRefused() {
        for (String dir : List.of(OUTSIDE.toString(), ROOT + "/../outside", ROOT.resolve("escape").toString(), "/",
                ROOT + "/does-not-exist")) {
            var reply = task("git", List.of("git", "status"), dir, Map.of());
            assertThat(reply.code()).as(dir + ": " + reply).isEqualTo("task_rejected");
            assertThat(reply.field()).isEqualTo("params.working_dir");
        }
    }

    @Test
    void shellRunsOnlyAllowedExecutables() {
        var ls = task("shell", List.of("ls", "/"), REPO.toString(), Map.of());
        assertThat(ls.code()).as(ls.toString()).isEqualTo("task_rejected");
        var path = task("shell", List.of("/bin/echo", "x"), REPO.toString(), Map.of());
        assertThat(path.code()).isEqualTo("task_rejected");
        var unknown = task("python", List.of("echo", "x"), REPO.toString(), Map.of());
        assertThat(unknown.field()).isEqualTo("action_type");
        var stdin = task("shell", List.of("sh", "-c", "read x; echo \"got:$x\""), REPO.toString(), Map.of());
        assertThat(stdin.data().path("stdout").asText()).isEqualTo("got:\n");
    }

    @Test
    void aTasksProgramComesFromTasksPathWhichIsAlsoThePathItSees() throws Exception {
        // target/task-bin is on the tests' TASKS_PATH (AppTest) and on no PATH of the JVM's
        Path bin = Files.createDirectories(Path.of("target/task-bin"));
        Path probe = bin.resolve("aiwebhook-probe");
        Files.writeString(probe, "#!/bin/sh\necho \"probe $PATH\"\n");
        Files.setPosixFilePermissions(probe, PosixFilePermissions.fromString("rwxr-xr-x"));

        var reply = task("shell", List.of("aiwebhook-probe"), REPO.toString(), Map.of());
        if (reply.body().path("message").asText().contains("try again shortly")) {
            // ETXTBSY: a process started by another thread while the script was open for writing
            Thread.sleep(200);
            reply = task("shell", List.of("aiwebhook-probe"), REPO.toString(), Map.of());
        }

        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        assertThat(reply.data().path("stdout").asText())
                .isEqualTo("probe " + bin.toAbsolutePath() + ":/usr/local/bin:/usr/bin:/bin\n");
        assertThat(reply.data().path("command").toString()).isEqualTo("[\"aiwebhook-probe\"]");

        Files.delete(probe);
        var missing = task("shell", List.of("aiwebhook-probe"), REPO.toString(), Map.of());
        assertThat(missing.code()).as(missing.toString()).isEqualTo("task_rejected");
        assertThat(missing.field()).isEqualTo("params.command");
        assertThat(missing.body().path("message").asText()).contains("not found on the app's TASKS_PATH")
                .doesNotContain(bin.toAbsolutePath().toString());
    }

    @Test
    void aTimeoutKillsTheWholeProcessTree() throws Exception {
        String tag = "aiwebhook-timeout-" + System.nanoTime();
        var reply = task("shell", List.of("sh", "-c", "echo started; sleep 30 & sleep 31; echo " + tag),
                REPO.toString(), Map.of("timeout", 1));
        assertThat(reply.status()).as(reply.toString()).isEqualTo(408);
        assertThat(reply.code()).isEqualTo("task_timeout");
        assertThat(reply.data().path("stdout").asText()).isEqualTo("started\n");
        assertThat(reply.data().path("timed_out").asBoolean()).isTrue();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(ProcessHandle.allProcesses()
                .map(p -> p.info().commandLine().orElse(""))
                .filter(c -> c.endsWith("sleep 30") || c.endsWith("sleep 31")).toList()).isEmpty()); // not another build's "sleep 300"
        String taskId = reply.data().path("task_id").asText();
        assertThat(db.queryForObject("SELECT status FROM tasks WHERE task_id = ?", String.class, taskId)).isEqualTo("timeout");
    }

    @Test
    void aTasksRecordShowsWhenItStartedAndWhenItEnded() {
        var reply = task("shell", List.of("sleep", "0.3"), REPO.toString(), Map.of());
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        JsonNode row = client.command("get_task", null, Map.of("task_id", reply.data().path("task_id").asText()))
                .data().path("task");
        java.time.Duration ran = Duration.between(java.time.OffsetDateTime.parse(row.path("started_at").asText()),
                java.time.OffsetDateTime.parse(row.path("completed_at").asText()));
        assertThat(ran).isGreaterThanOrEqualTo(Duration.ofMillis(300));   // it slept 0.3 s between them
    }

    @Test
    void outputBeyondTheCapIsCutAndFlagged() {
        var reply = task("shell", List.of("sh", "-c", "i=0; while [ $i -lt 3000 ]; do echo 0123456789; i=$((i+1)); done"),
                REPO.toString(), Map.of());
        assertThat(reply.data().path("stdout").asText()).hasSize(16384);
        assertThat(reply.data().path("stdout_truncated").asBoolean()).isTrue();
        assertThat(reply.data().path("truncated").asBoolean()).isTrue();
        assertThat(reply.data().path("exit_code").asInt()).isZero();
    }

    @Test
    void moreTasksThanTheCapAreRefusedClearly() {
        // cap 2, queue wait 1 s (AppTest): of three 3-second tasks at once, one is refused
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String body = TestClient.json(Map.of("type", "task_command", "data", Map.of("action_type", "shell",
                    "params", Map.of("command", List.of("sleep", "3"), "working_dir", REPO.toString()))));
            ids.add(client.webhook(body).body().path("id").asText());
        }
        List<JsonNode> results = new java.util.ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            results.clear();
            for (String id : ids) {
                JsonNode status = client.get("/webhook/" + id, Map.of("X-API-Key", TestClient.API_KEY)).body();
                assertThat(status.path("status").asText()).isIn("completed", "failed");
                results.add(status.path("result"));
            }
        });
        assertThat(results.stream().filter(r -> r.path("status").asText().equals("success")).count()).isEqualTo(2);
        JsonNode refused = results.stream().filter(r -> r.path("status").asText().equals("error")).findFirst().orElseThrow();
        assertThat(refused.path("error").path("code").asText()).isEqualTo("task_rejected");
        assertThat(refused.path("message").asText()).contains("Too many tasks");
    }

    @Test
    void asyncTaskResultIsFetchedLater() {
        var reply = client.webhook(TestClient.json(Map.of("type", "task_command", "data", Map.of("action_type", "git",
                "params", Map.of("command", "git rev-parse --abbrev-ref HEAD", "working_dir", REPO.toString())))));
        assertThat(reply.status()).isEqualTo(202);
        String id = reply.body().path("id").asText();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonNode status = client.get("/webhook/" + id, Map.of("X-API-Key", TestClient.API_KEY)).body();
            assertThat(status.path("status").asText()).isEqualTo("completed");
            assertThat(status.path("result").path("data").path("stdout").asText()).isEqualTo("main\n");
        });
    }

    @Test
    void theCombinedJourney() {
        String s = "task-journey-" + System.nanoTime();
        client.command("create_session", s, Map.of("title", "carbon-tracking-feature"));
        var status = client.webhook(TestClient.json(Map.of("type", "task_command", "sync", true, "session_id", s,
                "data", Map.of("task_id", "status-" + s, "action_type", "git",
                        "params", Map.of("command", List.of("git", "status"), "working_dir", REPO.toString())))));
        assertThat(status.status()).as(status.toString()).isEqualTo(200);
        String output = status.data().path("stdout").asText();
        assertThat(output).contains("On branch main");
        client.command("store_memory", s, Map.of("type", "context", "key", "git_status", "content",
                Map.of("git_status", output)));
        client.command("store_memory", s, Map.of("type", "action_item", "content", "Commit the README change"));
        var context = client.command("query_memories", s, Map.of("types", List.of("context", "action_item")));
        assertThat(context.data().path("count").asInt()).isEqualTo(2);
        assertThat(client.command("get_session_summary", s, null).data().path("stats").path("tasks").asInt()).isEqualTo(1);
        var tasks = client.command("list_tasks", s, Map.of());
        assertThat(tasks.data().path("tasks").findValuesAsText("task_id")).containsExactly("status-" + s);
    }
}
