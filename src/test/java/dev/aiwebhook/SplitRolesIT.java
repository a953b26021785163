package dev.aiwebhook;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A relay and its workers as separate processes of the real jar (APP_ROLE=relay / worker), each
 * worker with its own embedded database: either side may be away, and the other waits for it;
 * several workers share the queue and never apply a webhook twice.
 */
class SplitRolesIT {

    private static final Duration DONE = Duration.ofSeconds(120);
    private static final Map<String, String> AUTH = Map.of("X-API-Key", TestClient.API_KEY);

    @RegisterExtension
    final AppProcesses apps = new AppProcesses();

    @Test
    void aWorkerOutlivesItsRelayAndResumesWhenTheRelayReturns() throws Exception {
        AppProcess relay = apps.add(AppProcess.relay("outlive-relay"));
        AppProcess worker = apps.add(AppProcess.worker("outlive-worker", relay));
        AppProcess.startTogether(relay, worker);
        List<String> before = sendSessions(relay.client(), "before", 20);
        awaitCompleted(relay, before);

        long noticedBefore = logCount(worker, "Cannot claim from the relay");
        long reachedBefore = logCount(worker, "Relay reachable again");
        relay.kill();
        AppProcess.await("the worker notices the relay is gone", Duration.ofSeconds(60),
                () -> logCount(worker, "Cannot claim from the relay") > noticedBefore);
        assertThat(worker.isAlive()).as("the worker keeps running without its relay").isTrue();
        TestClient.Reply health = worker.client().get("/health", Map.of());
        assertThat(health.status()).as(health.toString()).isEqualTo(200);

        relay.start(); // same port and DATA_DIR
        AppProcess.await("the worker claims from the relay again", Duration.ofSeconds(60),
                () -> logCount(worker, "Relay reachable again") > reachedBefore);
        List<String> after = sendSessions(relay.client(), "after", 20);
        awaitCompleted(relay, after);

        JdbcTemplate workerDb = worker.database();
        int applied = workerDb.queryForObject("SELECT count(*) FROM worker_processed", Integer.class);
        int sessions = workerDb.queryForObject("SELECT count(*) FROM sessions", Integer.class);
        System.out.printf("CRASH-SUMMARY test=relay-away sent=40 kills=1 applied=%d lost=%d duplicated=%d%n",
                applied, Math.max(0, 40 - sessions), Math.max(0, sessions - 40));
        assertThat(applied).isEqualTo(40);
        assertThat(sessions).isEqualTo(40);
    }

    @Test
    void webhooksWaitQueuedWhileNoWorkerRunsAndAreAppliedOnceWhenOneReturns() throws Exception {
        AppProcess relay = apps.add(AppProcess.relay("queued-relay"));
        AppProcess worker = apps.add(AppProcess.worker("queued-worker", relay));
        AppProcess.startTogether(relay, worker);
        List<String> first = sendSessions(relay.client(), "first", 10);
        awaitCompleted(relay, first);

        worker.stop();
        List<String> waiting = sendSessions(relay.client(), "waiting", 50);
        for (String id : waiting) {
            TestClient.Reply status = relay.client().get("/webhook/" + id, AUTH);
            assertThat(status.body().path("status").asText()).as(status.toString()).isEqualTo("queued");
            assertThat(status.body().path("attempts").asInt()).isZero();
        }

        worker.start();
        awaitCompleted(relay, waiting);
        JdbcTemplate relayDb = relay.database();
        assertThat(relayDb.queryForObject("SELECT max(attempts) FROM relay_webhooks", Integer.class))
                .as("each delivered once").isEqualTo(1);
        int sessions = worker.database().queryForObject("SELECT count(*) FROM sessions", Integer.class);
        System.out.printf("CRASH-SUMMARY test=worker-away sent=60 kills=0 stops=1 lost=%d duplicated=%d%n",
                Math.max(0, 60 - sessions), Math.max(0, sessions - 60));
        assertThat(sessions).isEqualTo(60);
    }

    @Test
    void twoWorkersShareTheQueueAndNoWebhookIsAppliedTwice() throws Exception {
        AppProcess relay = apps.add(AppProcess.relay("shared-relay"));
        AppProcess one = apps.add(AppProcess.worker("worker-one", relay).with("WORKER_CONCURRENCY", "2"));
        AppProcess two = apps.add(AppProcess.worker("worker-two", relay).with("WORKER_CONCURRENCY", "2"));
        AppProcess.startTogether(relay, one, two);

        List<String> ids = sendSessions(relay.client(), "shared", 200);
        awaitCompleted(relay, ids);

        Set<String> byOne = applied(one);
        Set<String> byTwo = applied(two);
        Set<String> both = new HashSet<>(byOne);
        both.retainAll(byTwo);
        Set<String> all = new HashSet<>(byOne);
        all.addAll(byTwo);
        int sessions = one.database().queryForObject("SELECT count(*) FROM sessions", Integer.class)
                + two.database().queryForObject("SELECT count(*) FROM sessions", Integer.class);
        System.out.printf("CRASH-SUMMARY test=two-workers sent=%d worker-one=%d worker-two=%d lost=%d duplicated=%d%n",
                ids.size(), byOne.size(), byTwo.size(), ids.size() - all.size(), both.size());

        assertThat(both).as("webhooks applied by both workers").isEmpty();
        assertThat(all).as("every webhook applied by one of them").containsExactlyInAnyOrderElementsOf(ids);
        assertThat(sessions).isEqualTo(200);
        assertThat(byOne).as("worker-one's share").isNotEmpty();
        assertThat(byTwo).as("worker-two's share").isNotEmpty();
        assertThat(relay.database().queryForObject("SELECT max(attempts) FROM relay_webhooks", Integer.class))
                .as("each delivered once").isEqualTo(1);
    }

    /**
     * The relay writes webhooks that arrive together in one commit (relay/IntakeBatches): 16
     * senders at once, 40 Idempotency-Keys sent four times each among 40 webhooks without one.
     * Every webhook acknowledged is stored; each key is stored once, and its four replies carry
     * the same id.
     */
    @Test
    void webhooksSentTogetherAreEachStoredAndEachKeyOnce() throws Exception {
        AppProcess relay = apps.add(AppProcess.relay("together-relay")).start();
        List<String> keys = new ArrayList<>();
        for (int k = 0; k < 40; k++) {
            for (int copy = 0; copy < 4; copy++) {
                keys.add("together-" + k);
            }
        }
        for (int i = 0; i < 40; i++) {
            keys.add(null);
        }
        Collections.shuffle(keys, new Random(7));
        ExecutorService senders = Executors.newFixedThreadPool(16);
        Map<String, Set<String>> idsByKey = new HashMap<>();
        Set<String> unkeyed = new HashSet<>();
        try {
            List<Future<TestClient.Reply>> replies = new ArrayList<>();
            for (int i = 0; i < keys.size(); i++) {
                String key = keys.get(i);
                String body = TestClient.json(Map.of("type", "collaborative_session_command",
                        "command", "create_session", "session_id", "together-" + i, "data", Map.of("title", "t")));
                replies.add(senders.submit(() -> relay.client().post("/webhook", body, key == null ? AUTH
                        : Map.of("X-API-Key", TestClient.API_KEY, "Idempotency-Key", key))));
            }
            for (int i = 0; i < keys.size(); i++) {
                TestClient.Reply reply = replies.get(i).get();
                assertThat(reply.status()).as(reply.toString()).isEqualTo(202);
                String id = reply.body().path("id").asText();
                if (keys.get(i) == null) {
                    unkeyed.add(id);
                } else {
                    idsByKey.computeIfAbsent(keys.get(i), k -> new HashSet<>()).add(id);
                }
            }
        } finally {
            senders.shutdownNow();
        }

        assertThat(idsByKey).hasSize(40).allSatisfy((key, ids) -> assertThat(ids).as(key).hasSize(1));
        assertThat(unkeyed).hasSize(40);
        Set<String> acknowledged = new HashSet<>(unkeyed);
        idsByKey.values().forEach(acknowledged::addAll);
        JdbcTemplate db = relay.database();
        assertThat(db.queryForList("SELECT id FROM relay_webhooks WHERE status = 'queued' AND payload->>'session_id' LIKE 'together-%'",
                String.class)).containsExactlyInAnyOrderElementsOf(acknowledged);
    }

    /** {@code count} async create_session webhooks, 8 at a time; their ids, all acknowledged with 202. */
    private static List<String> sendSessions(TestClient client, String prefix, int count) throws Exception {
        ExecutorService senders = Executors.newFixedThreadPool(8);
        try {
            List<Future<TestClient.Reply>> replies = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String body = TestClient.json(Map.of("type", "collaborative_session_command",
                        "command", "create_session", "session_id", prefix + "-" + i,
                        "data", Map.of("title", prefix + " " + i)));
                replies.add(senders.submit(() -> client.webhook(body)));
            }
            List<String> ids = new ArrayList<>();
            for (Future<TestClient.Reply> f : replies) {
                TestClient.Reply reply = f.get();
                assertThat(reply.status()).as(reply.toString()).isEqualTo(202);
                ids.add(reply.body().path("id").asText());
            }
            return ids;
        } finally {
            senders.shutdownNow();
        }
    }

    private static void awaitCompleted(AppProcess relay, Collection<String> ids) throws Exception {
        JdbcTemplate db = relay.database();
        AppProcess.await(ids.size() + " webhooks completed", DONE, () -> db.queryForObject(
                "SELECT count(*) FROM relay_webhooks WHERE status = 'completed' AND id = ANY (?)", Integer.class,
                (Object) ids.toArray(String[]::new)) == ids.size());
    }

    private static Set<String> applied(AppProcess worker) throws Exception {
        return new HashSet<>(worker.database().queryForList(
                "SELECT webhook_id FROM worker_processed WHERE outcome = 'completed'", String.class));
    }

    private static long logCount(AppProcess app, String text) {
        try {
            return app.logCount(text);
        } catch (Exception e) {
            return 0;
        }
    }
}
