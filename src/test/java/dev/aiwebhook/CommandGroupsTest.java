package dev.aiwebhook;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

import dev.aiwebhook.worker.CommandPermits;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The session commands that wait for a permit are applied by its next holder in one
 * transaction (worker/CommandGroups): the tests hold both permits (two sync stores waiting for
 * their sessions' locks, held here), queue sync stores behind them, then let one permit go.
 * PostgreSQL's {@code xmin} tells which transaction wrote a row.
 */
class CommandGroupsTest extends AppTestSupport {

    @Autowired
    CommandPermits permits;

    @Test
    void theCommandsThatWaitedAreCommittedInOneTransactionAndEachCallerGetsItsOwnResult() throws Exception {
        List<String> free = List.of(newSession("grouped"), newSession("grouped"), newSession("grouped"), newSession("grouped"));
        List<TestClient.Reply> replies = whileThePermitsAreHeld(free);

        assertEachGotItsOwnMemory(free, replies);
        Object[] sessions = {free.toArray(new String[0])};
        assertThat(count("SELECT count(*) FROM memories WHERE session_id = ANY (?)", sessions)).isEqualTo(4);
        assertThat(count("SELECT count(*) FROM relay_webhooks WHERE payload->>'session_id' = ANY (?) "
                + "AND payload->>'command' = 'store_memory' AND status = 'completed'", sessions)).isEqualTo(4);
        // the four memories and their four webhooks: one transaction
        assertThat(count("""
                SELECT count(DISTINCT x) FROM (
                    SELECT xmin::text AS x FROM memories WHERE session_id = ANY (?)
                    UNION ALL
                    SELECT xmin::text FROM relay_webhooks WHERE payload->>'session_id' = ANY (?) AND payload->>'command' = 'store_memory'
                ) t""", free.toArray(new String[0]), free.toArray(new String[0]))).isEqualTo(1);
        // the four memories by one statement (cmin: the command within the transaction that
        // inserted a row), before their first routes ran (worker/GroupStores)
        assertThat(count("SELECT count(DISTINCT cmin::text) FROM memories WHERE session_id = ANY (?)", sessions)).isEqualTo(1);
        // and the four webhooks' rows by one statement, after the four memories'
        assertThat(count("SELECT count(DISTINCT cmin::text) FROM relay_webhooks WHERE payload->>'session_id' = ANY (?) "
                + "AND payload->>'command' = 'store_memory'", sessions)).isEqualTo(1);
        assertThat(count("""
                SELECT count(*) FROM relay_webhooks w JOIN memories m ON m.session_id = w.payload->>'session_id'
                WHERE m.session_id = ANY (?) AND w.payload->>'command' = 'store_memory'
                  AND w.cmin::text::int > m.cmin::text::int
                  AND w.result->'data'->>'key' = m.key AND w.result->>'status' = 'success'""", sessions)).isEqualTo(4);
        for (String s : free) {
            assertCountersMatchRows(s);
        }
    }

    @Test
    void aGroupAppliesItsCommandsInOrderOfSessionIdWhateverOrderTheyCameIn() throws Exception {
        List<String> sessions = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            sessions.add(newSession("ordered"));   // ids that sort in the order they were made
        }
        List<String> targets = new ArrayList<>(sessions);
        java.util.Collections.reverse(targets);   // sent last id first
        List<TestClient.Reply> replies = whileThePermitsAreHeld(targets);

        assertEachGotItsOwnMemory(targets, replies);
        // one transaction, one statement, and the memories inserted (change_seq, drawn row by row)
        // in order of session id
        assertThat(count("""
                SELECT count(*) FROM (
                    SELECT row_number() OVER (ORDER BY session_id) AS by_session,
                           row_number() OVER (ORDER BY change_seq) AS by_insertion
                    FROM memories WHERE session_id = ANY (?)
                ) t WHERE by_session = by_insertion""", (Object) sessions.toArray(new String[0]))).isEqualTo(4);
        assertThat(count("SELECT count(DISTINCT cmin::text) FROM memories WHERE session_id = ANY (?)",
                (Object) sessions.toArray(new String[0]))).isEqualTo(1);
        assertThat(count("SELECT count(DISTINCT xmin::text) FROM memories WHERE session_id = ANY (?)",
                (Object) sessions.toArray(new String[0]))).isEqualTo(1);
    }

    @Test
    void whenTheGroupsOwnStatementForItsRelayRowsFailsTheGroupIsTriedAgainWithEachCommandInsertingItsOwn() throws Exception {
        // refuses any statement that inserts two or more relay rows of these sessions at once,
        // and counts its refusals (a sequence is not rolled back)
        refuseTogether("relay_webhooks", "payload->>'session_id'", "refused-together-", "rows");
        try {
            List<String> targets = List.of(newSession("refused-together"), newSession("refused-together"),
                    newSession("refused-together"));
            List<TestClient.Reply> replies = whileThePermitsAreHeld(targets);

            for (TestClient.Reply reply : replies) {
                assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
                assertThat(reply.data().path("version").asInt()).as("stored once, not twice").isEqualTo(1);
            }
            assertThat(count("SELECT count(*) FROM test_rows_refused WHERE is_called")).as("the group's statement was refused")
                    .isEqualTo(1);
            Object[] sessions = {targets.toArray(new String[0])};
            assertThat(count("SELECT count(*) FROM memories WHERE session_id = ANY (?)", sessions)).isEqualTo(3);
            String theirRows = """
                    FROM relay_webhooks w JOIN memories m ON m.session_id = w.payload->>'session_id'
                    WHERE m.session_id = ANY (?) AND w.payload->>'command' = 'store_memory' AND w.status = 'completed'""";
            // tried again together: one transaction, each row inserted by a statement of its own
            assertThat(count("SELECT count(*) " + theirRows + " AND w.result->'data'->>'key' = m.key", sessions)).isEqualTo(3);
            assertThat(count("SELECT count(DISTINCT m.xmin::text) " + theirRows + " AND w.xmin = m.xmin", sessions)).isEqualTo(1);
            assertThat(count("SELECT count(DISTINCT w.cmin::text) " + theirRows, sessions)).isEqualTo(3);
            for (String s : targets) {
                assertCountersMatchRows(s);
            }
        } finally {
            stopRefusing("relay_webhooks", "rows");
        }
    }

    @Test
    void aGroupOfCallersWithAndWithoutAnIdempotencyKeyGivesEachItsOwnResult() throws Exception {
        List<String> targets = List.of(newSession("mixed"), newSession("mixed"), newSession("mixed"));
        // with a key, the intake stores the webhook first and the worker records its result at
        // the relay; without one, the group inserts the relay's row
        List<TestClient.Reply> replies = whileThePermitsAreHeld(targets, Set.of(), (target, key) -> client.post("/webhook",
                TestClient.json(Map.of("type", "collaborative_session_command", "command", "store_memory", "sync", true,
                        "session_id", target, "data", Map.of("type", "note", "key", key, "content", "mixed"))),
                key.endsWith("-1") ? Map.of("X-API-Key", TestClient.API_KEY, "Idempotency-Key", "mixed-" + target)
                        : Map.of("X-API-Key", TestClient.API_KEY)));

        assertEachGotItsOwnMemory(targets, replies);
        Object[] sessions = {targets.toArray(new String[0])};
        String theirRows = """
                FROM relay_webhooks w JOIN memories m ON m.session_id = w.payload->>'session_id'
                WHERE m.session_id = ANY (?) AND w.payload->>'command' = 'store_memory' AND w.status = 'completed'
                  AND w.result->'data'->>'key' = m.key""";
        assertThat(count("SELECT count(*) " + theirRows, sessions)).isEqualTo(3);
        // one transaction; the two rows inserted together, the keyed one's result recorded apart
        assertThat(count("SELECT count(DISTINCT m.xmin::text) " + theirRows + " AND w.xmin = m.xmin", sessions)).isEqualTo(1);
        assertThat(count("SELECT count(DISTINCT w.cmin::text) " + theirRows + " AND w.idempotency_key IS NULL", sessions))
                .isEqualTo(1);
        assertThat(count("SELECT count(*) " + theirRows + " AND w.idempotency_key = 'mixed-' || m.session_id "
                + "AND w.attempts = 1", sessions)).isEqualTo(1);
        // the keyed one, delivered (stored by the intake first), is second in the group's order: it
        // cannot be stored before its route runs, and the third, which would then take its
        // session's lock before the second's, is not either: each memory by its own statement
        assertThat(count("SELECT count(DISTINCT cmin::text) FROM memories WHERE session_id = ANY (?)", sessions)).isEqualTo(3);
    }

    @Test
    void aSessionsSecondStoreInAGroupRunsAfterItsFirstAndGetsTheNextKey() throws Exception {
        String twice = newSession("keyed-twice");
        String once = newSession("keyed-twice");   // after the other in the group's order
        List<String> targets = List.of(twice, twice, once);
        List<TestClient.Reply> replies = whileThePermitsAreHeld(targets, Set.of(), (target, key) -> client.command(
                "store_memory", target, Map.of("type", "idea", "content", "no key: the next idea_<n>")));

        for (TestClient.Reply reply : replies) {
            assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        }
        assertThat(List.of(replies.get(0).data().path("key").asText(), replies.get(1).data().path("key").asText()))
                .containsExactlyInAnyOrder("idea_1", "idea_2");
        assertThat(replies.get(2).data().path("key").asText()).isEqualTo("idea_1");
        // one transaction; the first store of each session by one statement, the second after it
        assertThat(count("SELECT count(DISTINCT xmin::text) FROM memories WHERE session_id IN (?, ?)", twice, once)).isEqualTo(1);
        assertThat(count("""
                SELECT count(*) FROM memories a JOIN memories b ON a.cmin = b.cmin
                WHERE a.session_id = ? AND a.key = 'idea_1' AND b.session_id = ? AND b.key = 'idea_1'""", twice, once))
                .isEqualTo(1);
        assertThat(count("""
                SELECT count(*) FROM memories a JOIN memories b ON b.session_id = a.session_id
                WHERE a.session_id = ? AND a.key = 'idea_1' AND b.key = 'idea_2'
                  AND b.cmin::text::int > a.cmin::text::int""", twice)).isEqualTo(1);
        assertCountersMatchRows(twice);
        assertCountersMatchRows(once);
    }

    @Test
    void whenTheStatementForAGroupsMemoriesFailsTheGroupIsTriedAgainWithEachCommandStoringItsOwn() throws Exception {
        // refuses any statement that inserts two or more memories of these sessions at once, and
        // counts its refusals (a sequence is not rolled back)
        refuseTogether("memories", "session_id", "stores-refused-", "stores");
        try {
            // and two sessions that do not exist, last in the group's order: each fails its try in
            // turn and leaves, and the refused statement must not have used up a try, or the three
            // others would be applied alone after them
            List<String> stored = List.of(newSession("stores-refused"), newSession("stores-refused"),
                    newSession("stores-refused"));
            List<String> targets = new ArrayList<>(stored);
            targets.add("zz-missing-a-" + System.nanoTime());
            targets.add("zz-missing-b-" + System.nanoTime());
            List<TestClient.Reply> replies = whileThePermitsAreHeld(targets);

            assertEachGotItsOwnMemory(stored, replies.subList(0, 3));
            for (TestClient.Reply reply : replies.subList(0, 3)) {
                assertThat(reply.data().path("version").asInt()).as("stored once, not twice").isEqualTo(1);
            }
            for (TestClient.Reply reply : replies.subList(3, 5)) {
                assertThat(reply.code()).as(reply.toString()).isEqualTo("session_not_found");
            }
            assertThat(count("SELECT count(*) FROM test_stores_refused WHERE is_called")).as("the group's statement was refused")
                    .isEqualTo(1);
            assertThat(count("SELECT last_value FROM test_stores_refused")).as("once").isEqualTo(1);
            Object[] sessions = {stored.toArray(new String[0])};
            assertThat(count("SELECT count(*) FROM memories WHERE session_id = ANY (?)", sessions)).isEqualTo(3);
            assertThat(count("SELECT count(*) FROM memory_versions v JOIN memories m ON m.id = v.memory_id "
                    + "WHERE m.session_id = ANY (?)", sessions)).as("the refused try left nothing").isZero();
            // tried again together: one transaction, each memory by a statement of its own
            assertThat(count("SELECT count(DISTINCT xmin::text) FROM memories WHERE session_id = ANY (?)", sessions)).isEqualTo(1);
            assertThat(count("SELECT count(DISTINCT cmin::text) FROM memories WHERE session_id = ANY (?)", sessions)).isEqualTo(3);
            for (String s : stored) {
                assertCountersMatchRows(s);
            }
        } finally {
            stopRefusing("memories", "stores");
        }
    }

    @Test
    void aGroupWithAFailingCommandRollsBackAndTheOthersAreCommittedTogetherWithoutIt() throws Exception {
        String missing = "zz-no-such-session-" + System.nanoTime();   // last in the group's order: the others ran before it
        List<String> targets = List.of(newSession("regrouped"), missing, newSession("regrouped"));
        List<TestClient.Reply> replies = whileThePermitsAreHeld(targets);

        assertThat(replies.get(1).status()).as(replies.get(1).toString()).isEqualTo(404);
        assertThat(replies.get(1).code()).isEqualTo("session_not_found");
        List<String> stored = List.of(targets.get(0), targets.get(2));
        for (int i : new int[] {0, 2}) {
            assertThat(replies.get(i).status()).as(replies.get(i).toString()).isEqualTo(200);
            assertThat(replies.get(i).data().path("version").asInt()).as("stored once, not twice").isEqualTo(1);
        }
        Object[] sessions = {stored.toArray(new String[0])};
        assertThat(count("SELECT count(*) FROM memories WHERE session_id = ANY (?)", sessions)).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM memory_versions v JOIN memories m ON m.id = v.memory_id WHERE m.session_id = ANY (?)",
                sessions)).as("no second version: the rolled-back try left nothing").isZero();
        // tried with the failing one and rolled back, then committed together without it
        assertThat(count("SELECT count(DISTINCT xmin::text) FROM memories WHERE session_id = ANY (?)", sessions)).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM relay_webhooks WHERE payload->>'session_id' = ? AND status = 'failed' "
                + "AND result->'error'->>'code' = 'session_not_found'", missing)).isEqualTo(1);
        for (String s : stored) {
            assertCountersMatchRows(s);
        }
    }

    @Test
    void commandsWaitingForALockHeldOutsideTheirGroupAreAppliedAloneAndDoNotHoldUpTheOthers() throws Exception {
        String blocked = newSession("aa-blocked");   // first in the group's order: the others come after it
        // three into the locked session: they leave the group together after its first lock wait
        // (one by one, the three tries would be used up and the two others applied alone); the
        // first of them goes into the group's statement for its memories (worker/GroupStores), which
        // waits for the lock too and fails, so the group is tried again with each store its own first
        List<String> targets = List.of(newSession("grouped"), blocked, blocked, blocked, newSession("grouped"));
        List<TestClient.Reply> replies = whileThePermitsAreHeld(targets, Set.of(blocked));

        for (TestClient.Reply reply : replies) {
            assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        }
        // the two others committed together while the blocked ones still waited; those, alone, later
        List<String> others = List.of(targets.get(0), targets.get(4));
        assertThat(count("SELECT count(DISTINCT xmin::text) FROM memories WHERE session_id = ANY (?)",
                (Object) others.toArray(new String[0]))).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM memories WHERE session_id = ?", blocked)).isEqualTo(3);
        assertThat(count("SELECT count(DISTINCT xmin::text) FROM memories WHERE session_id = ?", blocked)).isEqualTo(3);
        for (String s : List.of(targets.get(0), blocked, targets.get(4))) {
            assertCountersMatchRows(s);
        }
    }

    @Test
    void backgroundCommandsGroupedTogetherHaveTheirResultsRecordedAtTheRelayByOneStatement() throws Exception {
        List<String> targets = List.of(newSession("background"), newSession("background"), newSession("background"));
        // async: they wait for both permits to be free (the last is kept for callers who wait)
        List<TestClient.Reply> replies = whileThePermitsAreHeld(targets, Set.of(), (target, key) -> client.webhook(
                TestClient.json(Map.of("type", "collaborative_session_command", "command", "store_memory",
                        "session_id", target, "data", Map.of("type", "note", "key", key, "content", "in the background")))));
        for (TestClient.Reply reply : replies) {
            assertThat(reply.status()).as(reply.toString()).isEqualTo(202);
        }
        Object[] sessions = {targets.toArray(new String[0])};
        String theirRows = """
                FROM relay_webhooks w JOIN memories m ON m.session_id = w.payload->>'session_id'
                JOIN worker_processed p ON p.webhook_id = w.id
                WHERE m.session_id = ANY (?) AND w.payload->>'command' = 'store_memory'""";
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                count("SELECT count(*) " + theirRows + " AND w.status = 'completed'", sessions) == 3);
        // one transaction: the memories, the worker's markers and the relay's rows
        assertThat(count("""
                SELECT count(DISTINCT x) FROM (
                    SELECT m.xmin::text AS x %1$s
                    UNION ALL SELECT w.xmin::text %1$s
                    UNION ALL SELECT p.xmin::text %1$s
                ) t""".formatted(theirRows), sessions[0], sessions[0], sessions[0])).isEqualTo(1);
        // the three results recorded by one statement, each its own, kept by the worker too
        assertThat(count("SELECT count(DISTINCT w.cmin::text) " + theirRows, sessions)).isEqualTo(1);
        assertThat(count("SELECT count(*) " + theirRows + " AND w.result->>'status' = 'success' "
                + "AND w.result->'data'->>'key' = m.key AND p.result = w.result", sessions)).isEqualTo(3);
        for (String s : targets) {
            assertCountersMatchRows(s);
        }
    }

    /**
     * A statement-level trigger on {@code table} that refuses any statement inserting two or more
     * rows whose session ({@code session}, an expression on the new rows) starts with
     * {@code prefix}, and counts its refusals in the sequence {@code test_<what>_refused} (a
     * sequence is not rolled back).
     */
    private void refuseTogether(String table, String session, String prefix, String what) {
        db.execute("CREATE SEQUENCE test_" + what + "_refused");
        db.execute("""
                CREATE FUNCTION test_refuse_%1$s_together() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF (SELECT count(*) FROM new_rows WHERE %2$s LIKE '%3$s%%') > 1 THEN
                        PERFORM nextval('test_%1$s_refused');
                        RAISE EXCEPTION 'test: %1$s inserted together refused';
                    END IF;
                    RETURN NULL;
                END $$""".formatted(what, session, prefix));
        db.execute("CREATE TRIGGER test_refuse_" + what + "_together AFTER INSERT ON " + table
                + " REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION test_refuse_" + what + "_together()");
    }

    private void stopRefusing(String table, String what) {
        db.execute("DROP TRIGGER test_refuse_" + what + "_together ON " + table);
        db.execute("DROP FUNCTION test_refuse_" + what + "_together()");
        db.execute("DROP SEQUENCE test_" + what + "_refused");
    }

    /** Each reply is 200 with the memory stored in its own target session, under its own key. */
    private static void assertEachGotItsOwnMemory(List<String> targets, List<TestClient.Reply> replies) {
        for (int i = 0; i < targets.size(); i++) {
            TestClient.Reply reply = replies.get(i);
            assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
            assertThat(reply.data().path("session_id").asText()).isEqualTo(targets.get(i));
            assertThat(reply.data().path("key").asText()).isEqualTo("grouped-" + i);
            assertThat(reply.body().path("message").asText()).isEqualTo("Stored the note in session '" + targets.get(i) + "'.");
        }
    }

    private List<TestClient.Reply> whileThePermitsAreHeld(List<String> targets) throws Exception {
        return whileThePermitsAreHeld(targets, Set.of());
    }

    private List<TestClient.Reply> whileThePermitsAreHeld(List<String> targets, Set<String> locked) throws Exception {
        return whileThePermitsAreHeld(targets, locked, (target, key) -> client.command("store_memory", target,
                Map.of("type", "note", "key", key, "content", "waited for a permit")));
    }

    /**
     * Holds both permits (a sync store into each of two sessions whose locks are held here),
     * sends a store_memory into each target session ({@code send}: a sync one by default), waits until all of them wait for a
     * permit, then lets one permit go: the replies, in the targets' order. The sessions in
     * {@code locked} are locked here too, and let go only once every other target's reply came
     * (within a minute).
     */
    private List<TestClient.Reply> whileThePermitsAreHeld(List<String> targets, Set<String> locked,
            BiFunction<String, String, TestClient.Reply> send) throws Exception {
        int n = permits.size();
        assertThat(n).as("the tests' apply-concurrency").isEqualTo(2);
        List<String> held = List.of(newSession("holding"), newSession("holding"));
        List<Connection> locks = new ArrayList<>();
        List<Connection> targetLocks = new ArrayList<>();
        List<CompletableFuture<TestClient.Reply>> calls = new ArrayList<>();
        try {
            for (String s : held) {
                locks.add(lockSession(s));
            }
            for (String s : locked) {
                targetLocks.add(lockSession(s));
            }
            List<CompletableFuture<TestClient.Reply>> holders = new ArrayList<>();
            for (String s : held) {
                holders.add(CompletableFuture.supplyAsync(() -> client.command("store_memory", s,
                        Map.of("type", "note", "content", "holding a permit"))));
            }
            awaitBackendsWaitingForASession(n);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> permits.available() == 0);
            for (int i = 0; i < targets.size(); i++) {
                String target = targets.get(i);
                String key = "grouped-" + i;
                calls.add(CompletableFuture.supplyAsync(() -> send.apply(target, key)));
            }
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> permits.waiting() == targets.size());
            letGo(locks.remove(0));   // its store commits, and its permit's next holder takes all that waited
            for (int i = 0; i < targets.size(); i++) {
                if (!locked.contains(targets.get(i))) {
                    calls.get(i).get(60, TimeUnit.SECONDS);
                }
            }
            targetLocks.forEach(AppTestSupport::letGo);
            targetLocks.clear();
            List<TestClient.Reply> replies = new ArrayList<>();
            for (CompletableFuture<TestClient.Reply> call : calls) {
                replies.add(call.get(60, TimeUnit.SECONDS));
            }
            return replies;
        } finally {
            for (Connection lock : locks) {
                letGo(lock);
            }
            targetLocks.forEach(AppTestSupport::letGo);
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> count(
                    "SELECT count(*) FROM memories WHERE session_id = ANY (?)", (Object) held.toArray(new String[0])) == 2);
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> permits.available() == n);
        }
    }
}
