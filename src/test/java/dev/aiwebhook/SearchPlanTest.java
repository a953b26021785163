package dev.aiwebhook;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The search statement the route runs (sql/search/search.sql, its :#params bound as the route
 * binds them) uses the GIN indexes on a large table, not a sequential scan.
 */
class SearchPlanTest extends AppTestSupport {

    @Test
    void searchOverManyChunksIsAnIndexScan() throws Exception {
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

        Map<String, Object> searchQuery = db.queryForMap(Files.readString(Path.of("src/main/resources/sql/search/search_query.sql"))
                .replace(":#query", "?"), "zanzibar");
        String plan = explain("search/search.sql", Map.of("query", "zanzibar", "tsquery", searchQuery.get("tsquery"),
                "chunk_floor", searchQuery.get("chunk_floor"), "kinds", "[\"memories\",\"chunks\",\"artifacts\"]",
                "types", "[]", "session_id", "", "limit", 10));

        assertThat(plan).contains("recent_chunk_vectors_search_idx")
                .doesNotContain("Seq Scan on conversation_chunks").doesNotContain("Seq Scan on recent_chunk_vectors");
        var reply = client.command("search", s, Map.of("query", "zanzibar", "kinds", List.of("chunks")));
        assertThat(reply.data().path("count").asInt()).isEqualTo(10);
        db.update("DELETE FROM sessions WHERE session_id = ?", s);
    }

    @Test
    void theEmbeddedDatabaseCostsRandomReadsAsDataInMemory() {
        // what makes the planner fetch a word pair's 1,000 matches from a bitmap rather than walk
        // 48,000 rows in id order (V5 and DatabaseConfig)
        assertThat(db.queryForObject("SHOW random_page_cost", String.class)).isEqualTo("1.1");
    }
}
