package dev.aiwebhook;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.aiwebhook.worker.CommandPermits;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The worker applies at most as many session commands at once as it has permits
 * ({@code app.worker.apply-concurrency}: 2 in the tests, the machine's cores by default), a
 * command nobody waits for (async) leaves the last permit to a caller who waits (sync), and a
 * task never waits for one. (The tests' {@code apply-wait} is 20 s: by default a command goes
 * ahead without a permit after 1 s, see {@code worker.CommandPermitsBoundsTest}.)
 */
class CommandPermitsTest extends AppTestSupport {

    @Autowired
    CommandPermits permits;

    @Test
    void noMoreSessionCommandsRunAtOnceThanThePermitsAndTasksDoNotWaitForThem() throws Exception {
        TaskRepository.ensure();
        int n = permits.size();
        assertThat(n).as("the tests' apply-concurrency").isEqualTo(2);
        List<String> sessions = new ArrayList<>();
        for (int i = 0; i <= n; i++) {
            sessions.add(newSession("permits-" + i));
        }
        List<Connection> locks = new ArrayList<>();
        List<CompletableFuture<TestClient.Reply>> stores = new ArrayList<>();
        try {
            for (String s : sessions) {
                locks.add(lockSession(s));
            }
            // one sync store per session: each would wait for its session's lock held here
            for (String s : sessions) {
                stores.add(CompletableFuture.supplyAsync(() -> client.command("store_memory", s,
                        Map.of("type", "note", "content", "held back"))));
            }
            awaitBackendsWaitingForASession(n);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> permits.waiting() == 1);
            assertThat(permits.available()).isZero();
            Thread.sleep(1000);
            awaitBackendsWaitingForASession(n);   // still exactly n; had the third started, this times out
            assertThat(permits.waiting()).isEqualTo(1);

            var task = client.webhook(TestClient.json(Map.of("type", "task_command", "sync", true,
                    "data", Map.of("task_id", "t-permits-" + System.nanoTime(), "action_type", "shell",
                            "params", Map.of("command", List.of("echo", "not held"),
                                    "working_dir", TaskRepository.REPO.toString(), "timeout", 10)))));
            assertThat(task.status()).as(task.toString()).isEqualTo(200);
            assertThat(task.data().path("stdout").asText()).isEqualTo("not held\n");
        } finally {
            for (Connection lock : locks) {
                letGo(lock);
            }
        }
        for (CompletableFuture<TestClient.Reply> store : stores) {
            TestClient.Reply reply = store.get(20, TimeUnit.SECONDS);
            assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        }
        assertThat(count("SELECT count(*) FROM memories WHERE session_id = ANY (?) AND content = '\"held back\"'::jsonb",
                (Object) sessions.toArray(new String[0]))).isEqualTo(n + 1);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> permits.available() == n);
    }

    @Test
    void aCommandNobodyWaitsForLeavesTheLastPermitToACallerWhoWaits() throws Exception {
        int n = permits.size();
        List<String> held = List.of(newSession("background"), newSession("background"));
        String free = newSession("foreground");
        List<Connection> locks = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        try {
            for (String s : held) {
                locks.add(lockSession(s));
            }
            for (String s : held) {
                var accepted = client.webhook(TestClient.json(Map.of("type", "collaborative_session_command",
                        "command", "store_memory", "sync", false, "session_id", s,
                        "data", Map.of("type", "note", "content", "in the background"))));
                assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
                ids.add(accepted.body().path("id").asText());
            }
            awaitBackendsWaitingForASession(1);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> permits.waiting() == 1);
            assertThat(permits.available()).as("the permit kept for a caller who waits").isEqualTo(1);
            // both were handed to the worker; the second waits for a permit, not for its session
            assertThat(count("SELECT count(*) FROM relay_webhooks WHERE id = ANY (?) AND status = 'processing'",
                    (Object) ids.toArray(new String[0]))).isEqualTo(2);

            TestClient.Reply sync = client.command("store_memory", free, Map.of("type", "note", "content", "in the foreground"));
            assertThat(sync.status()).as(sync.toString()).isEqualTo(200);
            assertThat(count("SELECT count(*) FROM memories WHERE session_id = ?", free)).isEqualTo(1);
            // and it did not take the waiting async store into its group (whose lock would have held it up)
            assertThat(permits.waiting()).isEqualTo(1);
        } finally {
            for (Connection lock : locks) {
                letGo(lock);
            }
        }
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> count(
                "SELECT count(*) FROM memories WHERE session_id = ANY (?)", (Object) held.toArray(new String[0])) == 2);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> permits.available() == n);
    }
}
