package dev.aiwebhook;


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

    /** The session's stored counters equal the rows they count, and the summary reports them. */
    void assertCountersMatchRows(String session) {
        var stored = db.queryForMap("SELECT memory_count, conversation_chunk_count, task_count, artifact_count"
                + " FROM sessions WHERE session_id = ?", session);
        var actual = db.queryForMap("""
                SELECT (SELECT count(*) FROM memories WHERE session_id = ? AND deleted_at IS NULL) AS memory_count,
                       (SELECT count(*) FROM conversation_chunks WHERE session_id = ?) AS conversation_chunk_count,
                       (SELECT count(*) FROM tasks WHERE session_id = ?) AS task_count,
                       (SELECT count(*) FROM artifacts WHERE session_id = ?) AS artifact_count""",
                session, session, session, session);
        actual.replaceAll((k, v) -> ((Number) v).intValue());
        org.assertj.core.api.Assertions.assertThat(stored).as("counters of " + session).isEqualTo(actual);
        var stats = client.command("get_session_summary", session, null).data().path("stats");
        org.assertj.core.api.Assertions.assertThat(stats.path("memories").asInt()).isEqualTo(actual.get("memory_count"));
    }
}
