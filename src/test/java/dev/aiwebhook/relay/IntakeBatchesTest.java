package dev.aiwebhook.relay;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aiwebhook.AppTest;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.BadSqlGrammarException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Webhooks queued while a group is being written are written together, by one statement and one
 * commit (their rows share the transaction's received_at), and each caller gets its own row; a
 * webhook PostgreSQL refuses fails only its own caller. A group is made to form by holding the
 * first webhook's write: another transaction holds its Idempotency-Key, uncommitted.
 */
@AppTest
class IntakeBatchesTest {

    private static final String PAYLOAD = "{\"type\":\"collaborative_session_command\",\"command\":\"get_session_summary\","
            + "\"session_id\":\"intake-batches-none\"}";

    @Autowired
    IntakeBatches batches;
    @Autowired
    DataSource dataSource;
    @Autowired
    JdbcTemplate db;
    @Autowired
    CamelContext camel;

    private final ExecutorService callers = Executors.newCachedThreadPool();

    @AfterEach
    void stopCallers() {
        callers.shutdownNow();
    }

    private static Map<String, Object> webhook(String key, String payload) {
        Map<String, Object> p = new HashMap<>();
        p.put("id", UUID.randomUUID().toString());
        p.put("client_id", "intake-batches");
        p.put("idempotency_key", key);
        p.put("payload", payload);
        return p;
    }

    /** Sends {@code held} first and, while its write waits for {@code holder}, the others: returns the futures. */
    private List<Future<Map<String, Object>>> whileTheFirstWaits(Connection holder, Map<String, Object> held,
                                                                 List<Map<String, Object>> others) throws Exception {
        List<Thread> threads = new ArrayList<>();
        List<Future<Map<String, Object>>> results = new ArrayList<>();
        results.add(callers.submit(() -> {
            synchronized (threads) {
                threads.add(Thread.currentThread());
            }
            return batches.store(held);
        }));
        await().atMost(Duration.ofSeconds(10)).until(() -> db.queryForObject(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%INSERT INTO relay_webhooks%'",
                Integer.class) == 1);
        for (Map<String, Object> w : others) {
            results.add(callers.submit(() -> {
                synchronized (threads) {
                    threads.add(Thread.currentThread());
                }
                return batches.store(w);
            }));
        }
        // every other caller is parked, queued behind the write that waits
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            synchronized (threads) {
                return threads.size() == others.size() + 1 && threads.stream().skip(1)
                        .allMatch(t -> t.getState() == Thread.State.WAITING);
            }
        });
        holder.commit();
        return results;
    }

    private static Connection holding(DataSource dataSource, String key) throws Exception {
        Connection c = dataSource.getConnection();
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO relay_webhooks (id, client_id, idempotency_key, payload) "
                + "VALUES (?, 'intake-batches', ?, CAST(? AS jsonb))")) {
            ps.setString(1, UUID.randomUUID().toString());
            ps.setString(2, key);
            ps.setString(3, PAYLOAD);
            ps.executeUpdate();
        }
        return c;
    }

    @Test
    void webhooksQueuedMeanwhileAreWrittenByOneCommitEachWithItsOwnRow() throws Exception {
        String held = "held-" + UUID.randomUUID();
        String twice = "twice-" + UUID.randomUUID();
        List<Map<String, Object>> others = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            others.add(webhook(null, PAYLOAD));
        }
        others.add(webhook(twice, PAYLOAD));
        others.add(webhook(twice, PAYLOAD));
        List<Future<Map<String, Object>>> results;
        try (Connection holder = holding(dataSource, held)) {
            results = whileTheFirstWaits(holder, webhook(held, PAYLOAD), others);
        }

        assertThat(results.get(0).get(10, TimeUnit.SECONDS)).as("its key was taken by the holder").isNull();
        List<String> stored = new ArrayList<>();
        int repeated = 0;
        for (int i = 1; i < results.size(); i++) {
            Map<String, Object> row = results.get(i).get(10, TimeUnit.SECONDS);
            if (row == null) {
                repeated++;
                continue;
            }
            assertThat(row).containsEntry("id", others.get(i - 1).get("id")).containsEntry("status", "queued")
                    .containsEntry("created", true);
            stored.add((String) row.get("id"));
        }
        assertThat(repeated).as("the second webhook with the same key").isEqualTo(1);
        assertThat(stored).hasSize(8);
        Object ids = stored.toArray(String[]::new);
        assertThat(db.queryForObject("SELECT count(*) FROM relay_webhooks WHERE id = ANY (?)", Integer.class, ids))
                .isEqualTo(8);
        assertThat(db.queryForObject("SELECT count(DISTINCT received_at) FROM relay_webhooks WHERE id = ANY (?)",
                Integer.class, ids)).as("one transaction wrote them").isEqualTo(1);
        assertThat(db.queryForObject("SELECT count(*) FROM relay_webhooks WHERE idempotency_key = ?", Integer.class, twice))
                .isEqualTo(1);
    }

    @Test
    void aWebhookPostgresRefusesFailsOnlyItsOwnCaller() throws Exception {
        String held = "held-" + UUID.randomUUID();
        List<Map<String, Object>> others = List.of(webhook(null, PAYLOAD), webhook(null, "{not json"),
                webhook(null, PAYLOAD));
        List<Future<Map<String, Object>>> results;
        try (Connection holder = holding(dataSource, held)) {
            results = whileTheFirstWaits(holder, webhook(held, PAYLOAD), others);
        }

        assertThat(results.get(0).get(10, TimeUnit.SECONDS)).isNull();
        assertThat(results.get(1).get(10, TimeUnit.SECONDS)).containsEntry("id", others.get(0).get("id"));
        assertThatThrownBy(() -> results.get(2).get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(DataAccessException.class).hasMessageContaining("json");
        assertThat(results.get(3).get(10, TimeUnit.SECONDS)).containsEntry("id", others.get(2).get("id"));
        for (int i : new int[] {0, 2}) {
            assertThat(db.queryForObject("SELECT count(*) FROM relay_webhooks WHERE id = ?", Integer.class,
                    others.get(i).get("id"))).isEqualTo(1);
        }
        assertThat(db.queryForObject("SELECT count(*) FROM relay_webhooks WHERE id = ?", Integer.class,
                others.get(1).get("id"))).as("the refused one").isZero();
    }

    @Test
    void onlyARefusedValueIsWrittenOneByOneAndALostConnectionMayHaveCommitted() {
        assertThat(IntakeBatches.outcome(new DataIntegrityViolationException("invalid input syntax for type json")))
                .isEqualTo(IntakeBatches.Outcome.REFUSED_ROW);
        assertThat(IntakeBatches.outcome(new CannotGetJdbcConnectionException("pool timeout",
                new SQLTransientConnectionException("Connection is not available")))).isEqualTo(IntakeBatches.Outcome.NOT_STORED);
        assertThat(IntakeBatches.outcome(new DataAccessResourceFailureException("I/O error",
                new SQLException("An I/O error occurred while sending to the backend.", "08006"))))
                .isEqualTo(IntakeBatches.Outcome.MAY_HAVE_COMMITTED);
        assertThat(IntakeBatches.outcome(new BadSqlGrammarException("enqueue", "INSERT", new SQLException("syntax", "42601"))))
                .isEqualTo(IntakeBatches.Outcome.NOT_STORED);
    }

    /**
     * A group that may have committed is answered 503 with each webhook's id and status_url, the
     * database exception behind it notwithstanding: http-errors has a clause for that exception
     * too, and Camel would pick it if it were in the cause chain ("nothing was stored").
     */
    @Test
    void aWebhookThatMayHaveBeenStoredIsAnsweredWithItsStatusUrl() throws Exception {
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:unconfirmed-probe").routeId("unconfirmed-probe").routeConfigurationId("http-errors")
                        .process(e -> {
                            throw new UnconfirmedWebhook("probe-id", new DataAccessResourceFailureException("I/O error",
                                    new SQLException("An I/O error occurred while sending to the backend.", "08006")));
                        });
            }
        });
        try {
            Exchange reply = camel.createProducerTemplate().request("direct:unconfirmed-probe", e -> { });
            assertThat(reply.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(503);
            JsonNode body = new ObjectMapper().readTree(reply.getMessage().getBody(String.class));
            assertThat(body.path("id").asText()).isEqualTo("probe-id");
            assertThat(body.path("status_url").asText()).isEqualTo("/webhook/probe-id");
            assertThat(body.path("message").asText()).contains("may have been stored");
        } finally {
            camel.getRouteController().stopRoute("unconfirmed-probe");
            camel.removeRoute("unconfirmed-probe");
        }
    }
}
