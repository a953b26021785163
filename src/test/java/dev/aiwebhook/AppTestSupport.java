package dev.aiwebhook;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.CamelContext;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.aiwebhook.worker.WorkerState;

/** The shared running app ({@link AppTest}), a client on its real port, and its database. */
@AppTest
abstract class AppTestSupport {

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate db;
    @Autowired
    CamelContext camel;
    @Autowired
    WorkerState worker;
    TestClient client;

    @BeforeEach
    void connect() {
        client = new TestClient(port);
    }

    /**
     * Stops the app's own worker from claiming: waits until its poller has no claim in flight
     * (a claim under way when it was paused may still take queued webhooks). From then on,
     * webhooks stay queued; call worker.resume() when done.
     */
    void pauseTheWorker() {
        worker.pause();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                .until(() -> camel.getInflightRepository().size("relay-poller") == 0);
    }

    int count(String sql, Object... args) {
        return db.queryForObject(sql, Integer.class, args);
    }

    /** A new session, created through the API, its id starting with {@code prefix}. */
    String newSession(String prefix) {
        String s = prefix + "-" + System.nanoTime();
        var reply = client.command("create_session", s, Map.of("title", prefix));
        org.assertj.core.api.Assertions.assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        return s;
    }

    /** A connection whose open transaction holds the session's row lock, as a writer takes it; close it to let go. */
    Connection lockSession(String session) throws Exception {
        Connection lock = db.getDataSource().getConnection();
        lock.setAutoCommit(false);
        try (PreparedStatement st = lock.prepareStatement("SELECT 1 FROM sessions WHERE session_id = ? FOR UPDATE")) {
            st.setString(1, session);
            st.executeQuery().close();
        }
        return lock;
    }

    /** Lets go of a session's lock taken by {@link #lockSession}: rolled back and closed, whatever fails. */
    static void letGo(Connection lock) {
        try (lock) {
            lock.rollback();   // nothing was changed: letting go of the lock is all
        } catch (java.sql.SQLException e) {
            // closed all the same, and the caller's next lock is let go too
        }
    }

    /** Once exactly {@code n} of the app's backends wait for a session's row lock: their pids. */
    List<Integer> awaitBackendsWaitingForASession(int n) {
        String waiting = """
                SELECT pid FROM pg_stat_activity
                WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'
                  AND query LIKE '%FROM sessions WHERE session_id%FOR UPDATE%'""";
        List<Integer> pids = new ArrayList<>();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
            pids.clear();
            pids.addAll(db.queryForList(waiting, Integer.class));
            return pids.size() == n;
        });
        return pids;
    }

    /** PostgreSQL's plan for a statement of src/main/resources/sql, its :#params bound as the routes bind them. */
    String explain(String sqlFile, Map<String, Object> params) throws IOException {
        String sql = Files.readString(Path.of("src/main/resources/sql", sqlFile));
        List<Object> args = new ArrayList<>();
        Matcher m = Pattern.compile(":#(\\w+)").matcher(sql);
        StringBuilder jdbc = new StringBuilder();
        while (m.find()) {
            if (!params.containsKey(m.group(1))) {
                throw new IllegalArgumentException(sqlFile + " needs :#" + m.group(1));
            }
            args.add(params.get(m.group(1)));
            m.appendReplacement(jdbc, "?");
        }
        m.appendTail(jdbc);
        return String.join("\n", db.queryForList("EXPLAIN " + jdbc, String.class, args.toArray()));
    }

    /**
     * The session's stored counters equal the rows they count, and the summary reports them.
     * Counters and rows are read by one statement (one snapshot): an agent may still be writing
     * to the session (a delegated report adds an artifact), and two statements could each see a
     * different moment of it.
     */
    void assertCountersMatchRows(String session) {
        var both = db.queryForMap("""
                SELECT s.memory_count, s.conversation_chunk_count, s.task_count, s.artifact_count,
                       (SELECT count(*) FROM memories m WHERE m.session_id = s.session_id AND m.deleted_at IS NULL) AS memories,
                       (SELECT count(*) FROM conversation_chunks c WHERE c.session_id = s.session_id) AS chunks,
                       (SELECT count(*) FROM tasks t WHERE t.session_id = s.session_id) AS tasks,
                       (SELECT count(*) FROM artifacts a WHERE a.session_id = s.session_id) AS artifacts
                FROM sessions s WHERE s.session_id = ?""", session);
        var stored = new java.util.LinkedHashMap<String, Integer>();
        var actual = new java.util.LinkedHashMap<String, Integer>();
        String[][] pairs = {{"memory_count", "memories"}, {"conversation_chunk_count", "chunks"},
                {"task_count", "tasks"}, {"artifact_count", "artifacts"}};
        for (String[] pair : pairs) {
            stored.put(pair[0], ((Number) both.get(pair[0])).intValue());
            actual.put(pair[0], ((Number) both.get(pair[1])).intValue());
        }
        org.assertj.core.api.Assertions.assertThat(stored).as("counters of " + session).isEqualTo(actual);
        var stats = client.command("get_session_summary", session, null).data().path("stats");
        org.assertj.core.api.Assertions.assertThat(stats.path("memories").asInt())
                .isEqualTo(count("SELECT count(*) FROM memories WHERE session_id = ? AND deleted_at IS NULL", session));
    }
}
