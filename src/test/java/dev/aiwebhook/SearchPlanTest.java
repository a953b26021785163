package dev.aiwebhook;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * app_search (V9), which the search route calls, plans each kind's candidates for the call's
 * words on every call: over a large table a rare word is read through the GIN index, a frequent
 * one by walking the newest rows, never by a sequential scan; and not one plan for every word
 * after a few calls, as a cached plan may become.
 */
class SearchPlanTest extends AppTestSupport {

    @Test
    void everyCallPlansItsWordsOverManyChunks() throws Exception {
        String s = "plan-" + System.nanoTime();
        client.command("create_session", s, Map.of("title", "plan"));
        // bulk fixture: triggers off (one counter update per row of one session is slow), vectors written here
        db.execute("DO $$ BEGIN SET LOCAL session_replication_role = replica; "
                + "INSERT INTO conversation_chunks (session_id, chunk_id, content, search_vector) "
                + "SELECT '" + s + "', 'c' || g, t, to_tsvector('english', t) FROM generate_series(1, 50000) g, "
                + "LATERAL (SELECT 'chunk number ' || g || ' about ' || (ARRAY['storage','tokens','billing','maps'])[1 + g % 4] "
                + "|| CASE WHEN g % 5000 = 0 THEN ' zanzibar' ELSE '' END AS t) x; "
                // and what the V5 trigger does: the newest chunks' vectors, searched first
                + "INSERT INTO recent_chunk_vectors (id, session_id, created_at, search_vector) "
                + "SELECT id, session_id, created_at, search_vector FROM conversation_chunks WHERE session_id = '" + s + "'; END $$");
        // what autovacuum does after a bulk load: merge the GIN pending list, refresh statistics
        db.execute("VACUUM ANALYZE conversation_chunks");
        db.execute("VACUUM ANALYZE recent_chunk_vectors");

        try (Connection c = db.getDataSource().getConnection()) {
            // more calls than the five after which PostgreSQL may keep one generic plan
            for (int call = 0; call < 7; call++) {
                // 10 matches: found through the newest chunks' index
                assertThat(plansOfASearch(c, "zanzibar"))
                        .contains("Bitmap Index Scan on recent_chunk_vectors_search_idx")
                        .doesNotContain("Seq Scan on conversation_chunks").doesNotContain("Seq Scan on recent_chunk_vectors");
                // 12,500 matches: the newest 500 are among the newest 2,000 chunks
                assertThat(plansOfASearch(c, "storage"))
                        .contains("Index Scan Backward using recent_chunk_vectors_pkey")
                        .doesNotContain("recent_chunk_vectors_search_idx").doesNotContain("Seq Scan on recent_chunk_vectors")
                        // 500 matches among the newest chunks, more than 50: older ones are not read
                        .doesNotContain("conversation_chunks_search_idx");
            }
        }
        var reply = client.command("search", s, Map.of("query", "zanzibar", "kinds", List.of("chunks")));
        assertThat(reply.data().path("count").asInt()).isEqualTo(10);
        db.update("DELETE FROM sessions WHERE session_id = ?", s);
    }

    /**
     * The plans of every statement one search across all sessions runs (auto_explain, reported to
     * this connection as notices), in a transaction rolled back, so the pooled connection keeps
     * none of these settings. LOAD and these settings need a superuser, as the test database's
     * postgres is.
     */
    private static String plansOfASearch(Connection c, String query) throws Exception {
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("LOAD 'auto_explain'");
            st.execute("SET LOCAL auto_explain.log_min_duration = 0");
            st.execute("SET LOCAL auto_explain.log_nested_statements = on");
            st.execute("SET LOCAL auto_explain.log_level = notice");
            StringBuilder plans = new StringBuilder();
            try (PreparedStatement ps = c.prepareStatement("SELECT app_search(?, '[\"chunks\"]', '[]', '', 10)")) {
                ps.setString(1, query);
                ps.executeQuery().close();
                for (SQLWarning w = ps.getWarnings(); w != null; w = w.getNextWarning()) {
                    plans.append(w.getMessage()).append('\n');
                }
            }
            return plans.toString();
        } finally {
            c.rollback();
            c.setAutoCommit(true);
        }
    }

    @Test
    void theEmbeddedDatabaseCostsRandomReadsAsDataInMemory() {
        // what makes the planner fetch a word pair's 1,000 matches from a bitmap rather than walk
        // 48,000 rows in id order (V5 and DatabaseConfig)
        assertThat(db.queryForObject("SHOW random_page_cost", String.class)).isEqualTo("1.1");
    }
}
