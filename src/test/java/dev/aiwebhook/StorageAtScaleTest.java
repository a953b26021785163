package dev.aiwebhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aiwebhook.storage.EmbeddedDatabase;
import org.apache.camel.Exchange;
import org.apache.camel.component.sql.DefaultSqlPrepareStatementStrategy;
import org.apache.camel.component.sql.SqlEndpoint;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.ResourceHelper;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.ConnectionCallback;

/**
 * The storage choices made for speed keep the behaviour: memory keys numbered by an index probe
 * (V4, V12) under concurrent writers, search bounded to the newest matches, and SQL endpoints that
 * tell camel-sql their parameter count (so statements are prepared once per connection).
 */
class StorageAtScaleTest extends AppTestSupport {

    @Autowired
    DataSource dataSource;

    @Autowired
    EmbeddedDatabase embedded;

    private String session(String prefix) {
        String s = prefix + "-" + System.nanoTime();
        client.command("create_session", s, Map.of("title", prefix));
        return s;
    }

    @Test
    void concurrentStoresWithoutAKeyEachGetTheirOwnNumber() throws Exception {
        String s = session("keys");
        client.command("store_memory", s, Map.of("type", "idea", "key", "idea_41", "content", "set by hand"));
        client.command("store_memory", s, Map.of("type", "idea", "key", "idea_7x", "content", "not a number"));
        ExecutorService pool = Executors.newFixedThreadPool(12);
        List<Future<TestClient.Reply>> replies = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            String content = "concurrent " + i;
            replies.add(pool.submit(() -> new TestClient(port).command("store_memory", s, Map.of("type", "idea", "content", content))));
        }
        List<String> keys = new ArrayList<>();
        for (Future<TestClient.Reply> r : replies) {
            TestClient.Reply reply = r.get();
            assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
            assertThat(reply.data().path("action").asText()).isEqualTo("created");
            keys.add(reply.data().path("key").asText());
        }
        pool.shutdown();
        List<String> expected = new ArrayList<>();
        for (int n = 42; n < 42 + 24; n++) {
            expected.add("idea_" + n);
        }
        assertThat(keys).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(count("SELECT count(*) FROM memories WHERE session_id = ? AND version = 1", s)).isEqualTo(26);
        assertThat(client.command("store_memory", s, Map.of("type", "note", "content", "first note")).data().path("key").asText())
                .isEqualTo("note_1");
        assertCountersMatchRows(s);
    }

    @Test
    void theNextKeyReadsAFewPagesHoweverBigTheSession() throws Exception {
        String s = session("big");
        db.update("""
                INSERT INTO memories (session_id, key, type, content)
                SELECT ?, 'note_' || g, 'note', to_jsonb('a memory of a big session, number ' || g)
                FROM generate_series(1, 5000) g""", s);
        db.update("ANALYZE memories");
        // on one connection: the first call plans the function's query, the second is measured
        String plan = db.execute((ConnectionCallback<String>) c -> {
            try (PreparedStatement first = c.prepareStatement("SELECT app_next_memory_key(?, 'note')");
                 PreparedStatement explain = c.prepareStatement(
                         "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) SELECT app_next_memory_key(?, 'note')")) {
                first.setString(1, s);
                first.executeQuery().close();
                explain.setString(1, s);
                try (ResultSet rs = explain.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            }
        });
        JsonNode top = new ObjectMapper().readTree(plan).get(0).path("Plan");
        int pages = top.path("Shared Hit Blocks").asInt() + top.path("Shared Read Blocks").asInt();
        assertThat(db.queryForObject("SELECT app_next_memory_key(?, 'note')", String.class, s)).isEqualTo("note_5001");
        // 5,000 memories fill about 100 pages; an index probe reads a handful
        assertThat(pages).as(plan).isBetween(1, 20);
    }

    @Test
    void theNextKeyIsAnIndexProbeAlsoWithTheConnectionsCachedGenericPlan() throws Exception {
        // The benchmark's small run after its bulk load: 1,000 sessions of ten memories, one of
        // 1,000 and one of 2,000, the table just vacuumed (every page all-visible). The generic plan that plpgsql
        // keeps after five calls on a connection knows only the average session; with the index
        // of V4 alone it walked the big session's keys through the (session_id, key) index, a
        // regular expression per key (10 ms). In a database of its own, so that the shared test
        // database's statistics cannot decide the plan.
        String name = "keys_" + System.nanoTime();
        db.execute("CREATE DATABASE " + name);
        try {
            String url = embedded.postgres().getJdbcUrl("postgres", name);
            Flyway.configure().dataSource(url, "postgres", null).locations("classpath:db/migration").load().migrate();
            try (Connection c = DriverManager.getConnection(url, "postgres", null); Statement st = c.createStatement()) {
                st.execute("""
                        INSERT INTO sessions (session_id, title) SELECT 's' || g, 'small' FROM generate_series(0, 1000) g;
                        INSERT INTO memories (session_id, key, type, content)
                        SELECT 's' || (g % 1000), 'bulk_' || g, (ARRAY['idea', 'decision', 'question', 'fact', 'note'])[1 + g % 5], '{}'
                        FROM generate_series(1, 10000) g;
                        INSERT INTO memories (session_id, key, type, content)
                        SELECT 's999', t || '_' || (g / 5 + 1), t, '{}'
                        FROM generate_series(0, 999) g, LATERAL (SELECT (ARRAY['idea', 'decision', 'question', 'fact', 'note'])[1 + g % 5] t) x;
                        INSERT INTO memories (session_id, key, type, content)
                        SELECT 's1000', CASE WHEN g % 5 = 0 THEN 'idea_' || g / 5 ELSE 'fact_' || g END,
                               CASE WHEN g % 5 = 0 THEN 'idea' ELSE 'fact' END, '{}'
                        FROM generate_series(1, 2000) g""");
                st.execute("VACUUM ANALYZE memories");
                st.execute("SET plan_cache_mode = force_generic_plan");
                // the first call plans the function's query, the second is measured
                try (ResultSet rs = st.executeQuery("SELECT app_next_memory_key('s1000', 'idea')")) {
                    rs.next();
                    assertThat(rs.getString(1)).isEqualTo("idea_401");
                }
                String plan;
                try (ResultSet rs = st.executeQuery(
                        "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) SELECT app_next_memory_key('s1000', 'idea')")) {
                    rs.next();
                    plan = rs.getString(1);
                }
                JsonNode top = new ObjectMapper().readTree(plan).get(0).path("Plan");
                int pages = top.path("Shared Hit Blocks").asInt() + top.path("Shared Read Blocks").asInt();
                // the big session's keys fill about 15 index pages; the probe reads three or four
                assertThat(pages).as(plan).isBetween(1, 8);
            }
        } finally {
            db.execute("DROP DATABASE " + name + " WITH (FORCE)");
        }
    }

    @Test
    void searchRanksOnlyTheNewestFiveHundredMatchesOfAKind() {
        String s = session("bounded");
        String word = "zb" + Long.toString(System.nanoTime(), 36).replaceAll("[0-9]", "y");
        // the oldest chunk is the best match by far; 500 newer ones mention the word once
        db.update("INSERT INTO conversation_chunks (session_id, chunk_id, content) VALUES (?, 'best', ?)",
                s, (word + " ").repeat(40));
        db.update("""
                INSERT INTO conversation_chunks (session_id, chunk_id, content)
                SELECT ?, 'c' || g, 'one mention of ' || ? || ' among other words ' || g FROM generate_series(1, 500) g""", s, word);
        var hits = client.command("search", s, Map.of("query", word, "kinds", List.of("chunks"), "limit", 5)).data().path("hits");
        assertThat(hits).hasSize(5);
        assertThat(hits.findValuesAsText("id")).doesNotContain("best");

        // one newer match less, and the best one is within the newest 500: it ranks first
        db.update("DELETE FROM conversation_chunks WHERE session_id = ? AND chunk_id = 'c1'", s);
        var again = client.command("search", s, Map.of("query", word, "kinds", List.of("chunks"), "limit", 5)).data().path("hits");
        assertThat(again.get(0).path("id").asText()).isEqualTo("best");
    }

    /** Stores a chunk through the app's triggers; its id. */
    private long chunk(String session, String chunkId, String content) {
        return db.queryForObject("INSERT INTO conversation_chunks (session_id, chunk_id, content) VALUES (?, ?, ?) RETURNING id",
                Long.class, session, chunkId, content);
    }

    /** As if chunks up to this id had been written since: the next chunk gets the id after it. */
    private void chunkIdsHandedOutUpTo(long id) {
        db.queryForObject("SELECT setval('conversation_chunks_id_seq', ?)", Long.class, id);
    }

    /** The id of the chunk whose arrival prunes this chunk's recent vector (V5). */
    private long pruningIdOf(long id) {
        return db.queryForObject("SELECT ? + app_recent_chunks_span() + app_recent_chunks_slack()", Long.class, id);
    }

    @Test
    void searchAcrossSessionsLooksAmongTheNewestChunksFirstAndReadsOlderOnesOnlyWhenThoseFallShort() {
        String s = session("window");
        String word = "zw" + Long.toString(System.nanoTime(), 36).replaceAll("[0-9]", "y");
        long bestId = chunk(s, "best", (word + " ").repeat(40));
        // a whole window of chunk ids later (as if app_recent_chunks_span() chunks had been written since)
        chunkIdsHandedOutUpTo(bestId + db.queryForObject("SELECT app_recent_chunks_span()", Long.class));
        db.update("""
                INSERT INTO conversation_chunks (session_id, chunk_id, content)
                SELECT ?, 'c' || g, 'one mention of ' || ? || ' among other words ' || g FROM generate_series(1, 50) g""", s, word);
        Long floor = db.queryForObject("SELECT app_recent_chunks_floor()", Long.class);
        assertThat(bestId).as("the best match is older than the window").isLessThanOrEqualTo(floor);
        // 50 matches within the window, five times the 10 hits asked for: the older chunks are not read
        Map<String, Object> all = Map.of("query", word, "scope", "all", "kinds", List.of("chunks"), "limit", 10);
        var hits = client.command("search", s, all).data().path("hits");
        assertThat(hits).hasSize(10);
        assertThat(hits.findValuesAsText("id")).doesNotContain("best");
        // asking for 11 hits needs 55 matches in the window: the older chunks are searched too,
        // and the best one ranks first, once
        var more = client.command("search", s, Map.of("query", word, "scope", "all", "kinds", List.of("chunks"), "limit", 11))
                .data().path("hits");
        assertThat(more.get(0).path("id").asText()).isEqualTo("best");
        assertThat(more.findValuesAsText("id")).doesNotHaveDuplicates().hasSize(11);

        // 49 matches in the window: fewer than 50, the least it needs even for 5 hits, so the
        // older chunks are searched, and the best one is found whether or not its vector is still
        // kept among the recent ones (it leaves when the chunk span + slack ids newer arrives)
        db.update("DELETE FROM conversation_chunks WHERE session_id = ? AND chunk_id = 'c1'", s);
        Map<String, Object> five = Map.of("query", word, "scope", "all", "kinds", List.of("chunks"), "limit", 5);
        var again = client.command("search", s, five).data().path("hits");
        assertThat(again.get(0).path("id").asText()).isEqualTo("best");
        assertThat(again.findValuesAsText("id")).doesNotHaveDuplicates().hasSize(5);
        db.update("DELETE FROM recent_chunk_vectors WHERE id = ?", bestId);
        var pruned = client.command("search", s, five).data().path("hits");
        assertThat(pruned.get(0).path("id").asText()).isEqualTo("best");
        assertThat(pruned.findValuesAsText("id")).doesNotHaveDuplicates().hasSize(5);
    }

    @Test
    void deletingTheNewestChunksLeavesOlderMatchesFindable() {
        String s = session("floor");
        String word = "zf" + Long.toString(System.nanoTime(), 36).replaceAll("[0-9]", "y");
        long old = chunk(s, "old", "about " + word);
        // the chunk whose arrival prunes the old chunk's vector, then deleted with its session
        String newer = session("floor-newer");
        chunkIdsHandedOutUpTo(pruningIdOf(old) - 1);
        chunk(newer, "new", "newer words");
        assertThat(db.queryForObject("SELECT count(*) FROM recent_chunk_vectors WHERE id = ?", Long.class, old)).isZero();
        db.update("DELETE FROM sessions WHERE session_id = ?", newer);

        var hits = client.command("search", s, Map.of("query", word, "scope", "all", "kinds", List.of("chunks"))).data().path("hits");
        assertThat(hits.findValuesAsText("id")).containsExactly("old");
    }

    @Test
    void theNewestChunksVectorsFollowTheirChunks() {
        String s = session("recent");
        long id = chunk(s, "a", "plain words");
        assertThat(db.queryForObject("SELECT search_vector = (SELECT search_vector FROM conversation_chunks WHERE id = ?) "
                + "FROM recent_chunk_vectors WHERE id = ?", Boolean.class, id, id)).isTrue();
        db.update("UPDATE conversation_chunks SET content = 'zebra crossing' WHERE id = ?", id);
        assertThat(db.queryForObject("SELECT search_vector @@ to_tsquery('english', 'zebra') FROM recent_chunk_vectors WHERE id = ?",
                Boolean.class, id)).isTrue();
        // a chunk's vector leaves when the chunk a window (and a slack) of ids newer arrives, and with its session
        chunkIdsHandedOutUpTo(pruningIdOf(id) - 1);
        chunk(s, "b", "newer");
        assertThat(db.queryForObject("SELECT count(*) FROM recent_chunk_vectors WHERE id = ?", Long.class, id)).isZero();
        db.update("DELETE FROM sessions WHERE session_id = ?", s);
        assertThat(db.queryForObject("SELECT count(*) FROM recent_chunk_vectors WHERE session_id = ?", Long.class, s)).isZero();
    }

    @Test
    void everySqlEndpointKnowsItsParameterCountAsPostgresqlCountsIt() throws Exception {
        Exchange exchange = new DefaultExchange(camel);
        DefaultSqlPrepareStatementStrategy strategy = new DefaultSqlPrepareStatementStrategy();
        int counted = 0;
        try (Connection c = dataSource.getConnection()) {
            for (var endpoint : camel.getEndpoints()) {
                if (!(endpoint instanceof SqlEndpoint sql)) {
                    continue;
                }
                String text;
                try (var in = ResourceHelper.resolveMandatoryResourceAsInputStream(camel, sql.getQuery())) {
                    text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                }
                // as camel-sql does: the placeholder '#' becomes '?', then the named parameters become '?'
                String prepared = strategy.prepareQuery(text.replace("#", "?"), true, exchange);
                int driverCount = c.prepareStatement(prepared).getParameterMetaData().getParameterCount();
                assertThat(sql.getParametersCount()).as(sql.getQuery()).isEqualTo(driverCount);
                counted += driverCount > 0 ? 1 : 0;
            }
        }
        assertThat(counted).isGreaterThan(30);
    }
}
