package dev.aiwebhook;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Conversation chunks, extraction, artifacts and full-text search (SPEC §4–§6). */
class ConversationSearchTest extends AppTestSupport {

    private String session(String prefix) {
        String s = prefix + "-" + System.nanoTime();
        client.command("create_session", s, Map.of("title", prefix));
        return s;
    }

    @Test
    void theCodeReviewJourney() {
        String s = session("review-auth");
        String transcript = String.join("\n",
                "Alice: The refresh token handler looks fragile.",
                "Bob: Question: why is the refresh token never rotated?",
                "Alice: Decision: rotate refresh tokens on every use",
                "- TODO: add a regression test for token rotation",
                "Bob: Action: document the session expiry rules",
                "Do we log failed logins anywhere?");
        var chunk = client.command("conversation_chunk", s, Map.of("content", transcript, "format", "transcript",
                "chunk_id", "review-1"));
        assertThat(chunk.status()).as(chunk.toString()).isEqualTo(200);
        assertThat(chunk.data().path("chunk_id").asText()).isEqualTo("review-1");
        assertThat(chunk.data().path("content_size").asInt()).isEqualTo(transcript.length());
        assertThat(chunk.data().path("memories_created").asInt()).isEqualTo(5);

        var actions = client.command("query_memories", s, Map.of("type", "action_item"));
        assertThat(actions.data().path("memories").findValuesAsText("content"))
                .containsExactlyInAnyOrder("add a regression test for token rotation", "document the session expiry rules");
        var questions = client.command("query_memories", s, Map.of("type", "question", "tags", List.of("extracted")));
        assertThat(questions.data().path("count").asInt()).isEqualTo(2);
        assertThat(questions.data().path("memories").findValuesAsText("source_chunk_id")).containsOnly("review-1");

        var search = client.command("search", s, Map.of("query", "\"refresh token handler\""));
        JsonNode hits = search.data().path("hits");
        assertThat(hits).isNotEmpty();
        assertThat(hits.get(0).path("kind").asText()).isEqualTo("chunk");
        assertThat(hits.get(0).path("id").asText()).isEqualTo("review-1");
        assertThat(hits.get(0).path("snippet").asText()).contains("**refresh**").contains("**handler**");

        JsonNode stats = client.command("get_session_summary", s, null).data().path("stats");
        assertThat(stats.path("conversation_chunks").asInt()).isEqualTo(1);
        assertThat(stats.path("memories").asInt()).isEqualTo(5);
    }

    @Test
    void explicitExtractedItemsAndTheOlderShapes() {
        String s = session("extract-explicit");
        var chunk = client.command("append_conversation", s, Map.of("conversation_chunk", Map.of(
                "content", "We talked about MCP servers. Decision: this line is not parsed when items are sent",
                "chunk_id", "c1",
                "extracted_items", Map.of(
                        "ideas", List.of("Expose memories as MCP resources"),
                        "decisions", List.of(Map.of("decision", "Use Streamable HTTP", "rationale", "works through proxies")),
                        "facts", List.of("MCP uses JSON-RPC 2.0")))));
        assertThat(chunk.status()).as(chunk.toString()).isEqualTo(200);
        assertThat(chunk.data().path("memories_created").asInt()).isEqualTo(3);
        assertThat(count("SELECT count(*) FROM memories WHERE session_id = ? AND source_chunk_id = 'c1' AND 'extracted' = ANY (tags)", s))
                .isEqualTo(3);
        assertThat(count("SELECT count(*) FROM memories WHERE session_id = ? AND type = 'decision'", s)).isEqualTo(1);
        assertThat(client.command("conversation_chunk", s, Map.of("content", "again", "chunk_id", "c1")).code())
                .isEqualTo("conflict");
        assertThat(client.command("conversation_chunk", s, Map.of("content", "x", "extracted_items", Map.of("wishes", List.of("a"))))
                .field()).isEqualTo("data.extracted_items.wishes");
    }

    @Test
    void searchRanksStemsAndScopes() {
        String a = session("search-a");
        String b = session("search-b");
        // a word of this run only, so data left by earlier runs in the shared database cannot crowd the hits
        String word = "zq" + Long.toString(System.nanoTime(), 36).replaceAll("[0-9]", "x");
        client.command("store_memory", a, Map.of("type", "decision", "key", "db",
                "content", Map.of("decision", "We decided on PostgreSQL for storage " + word, "rationale", "PostgreSQL full text search")));
        client.command("store_memory", a, Map.of("type", "note", "key", "misc", "content", "storage costs were mentioned once"));
        client.command("store_memory", b, Map.of("type", "fact", "key", "pg", "content", "PostgreSQL supports tsvector " + word));
        client.command("add_artifact", a, Map.of("name", "Storage design", "content", "# Storage\nPostgreSQL tables and indexes"));

        var ranked = client.command("search", a, Map.of("query", "postgresql storage"));
        List<String> refs = ranked.data().path("hits").findValuesAsText("kind");
        assertThat(refs).contains("memory", "artifact");
        assertThat(ranked.data().path("hits").get(0).path("key").asText()).isEqualTo("db");

        var stemmed = client.command("search", a, Map.of("query", "decides", "kinds", List.of("memories")));
        assertThat(stemmed.data().path("hits").findValuesAsText("key")).containsExactly("db");

        var sessionOnly = client.command("search", a, Map.of("query", "PostgreSQL " + word, "kinds", List.of("memories")));
        assertThat(sessionOnly.data().path("hits").findValuesAsText("session_id")).containsOnly(a);
        var everywhere = client.command("search", a, Map.of("query", "PostgreSQL " + word, "scope", "all", "kinds", List.of("memories")));
        assertThat(everywhere.data().path("hits").findValuesAsText("session_id")).contains(a, b);
        var byType = client.command("search", null, Map.of("query", "PostgreSQL " + word, "type", "fact"));
        assertThat(byType.data().path("hits").findValuesAsText("key")).contains("pg").doesNotContain("db");

        var none = client.command("search", a, Map.of("query", "zebra"));
        assertThat(none.status()).isEqualTo(200);
        assertThat(none.data().path("count").asInt()).isZero();
    }

    @Test
    void aWordFindsItsFamily() {
        String s = session("families");
        String word = "zq" + Long.toString(System.nanoTime(), 36).replaceAll("[0-9]", "x");
        client.command("store_memory", s, Map.of("type", "decision", "key", "store",
                "content", "The decision on storage " + word + " is final"));
        client.command("store_memory", s, Map.of("type", "note", "key", "minutes",
                "content", "Bob wrote the minutes of the " + word + " meeting"));
        client.command("store_memory", s, Map.of("type", "note", "key", "other",
                "content", "Nothing to see about " + word));

        // the stemmer alone gives decide -> decid, decision -> decis: the word family joins them
        var decide = client.command("search", s, Map.of("query", "decide " + word));
        assertThat(decide.data().path("hits").findValuesAsText("key")).containsExactly("store");
        assertThat(decide.data().path("hits").get(0).path("snippet").asText()).contains("**decision**");
        // irregular forms: write finds wrote
        var write = client.command("search", s, Map.of("query", "write " + word));
        assertThat(write.data().path("hits").findValuesAsText("key")).containsExactly("minutes");
        // the family is an alternative, not a requirement: -decide still excludes the decision
        var without = client.command("search", s, Map.of("query", word + " -decide"));
        assertThat(without.data().path("hits").findValuesAsText("key")).containsExactlyInAnyOrder("minutes", "other");
    }

    @ParameterizedTest
    @ValueSource(strings = {"'", "&|!", ":*", "\"unbalanced", "a & (b | !c", "DROP TABLE memories; --", "<->", "the",
            "(((", "\\", "%_"})
    void hostileQueriesSucceed(String query) {
        var reply = client.command("search", null, Map.of("query", query));
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        assertThat(reply.data().path("hits").isArray()).isTrue();
    }

    @Test
    void aTenKilobyteQuerySucceeds() {
        var reply = client.command("search", null, Map.of("query", "storage postgres ".repeat(600)));
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
    }

    @Test
    void aLongTextsSnippetIsMadeFromTheWindowAroundItsFirstMatch() {
        String s = session("long");
        String filler = "plain filler words about nothing much ".repeat(2_000); // 76,000 characters
        // "xzanzibar" holds the stem but no word starts with it
        String text = "an xzanzibar mention " + filler + "The Zanzibar harbour opens at dawn. " + filler;
        client.command("add_artifact", s, Map.of("name", "Long notes", "content", text));
        var hits = client.command("search", s, Map.of("query", "zanzibar", "kinds", List.of("artifacts"))).data().path("hits");
        assertThat(hits).hasSize(1);
        assertThat(hits.get(0).path("snippet").asText()).contains("**Zanzibar** harbour").hasSizeLessThan(400);

        // the window: 4,000 characters from 1,000 before the first word starting with a stem, in any case
        int match = text.indexOf("Zanzibar");
        assertThat(snippetSource(text, "zanzibar")).isEqualTo(text.substring(match - 1_000, match + 3_000));
        // no word starts with a stem: the whole text; a short text: all of it
        assertThat(snippetSource(text, "kilimanjaro")).isEqualTo(text);
        assertThat(snippetSource("short text", "zanzibar")).isEqualTo("short text");
        // the query does not match within the window (both words are only together far later): the whole text
        String apart = "Zanzibar alone here. " + filler + "The Zanzibar harbour opens at dawn.";
        assertThat(snippetSource(apart, "zanzibar harbour")).isEqualTo(apart);
        assertThat(client.command("add_artifact", s, Map.of("name", "Apart", "content", apart)).status()).isEqualTo(200);
        var both = client.command("search", s, Map.of("query", "zanzibar harbour", "kinds", List.of("artifacts"))).data().path("hits");
        assertThat(both.findValuesAsText("snippet")).hasSize(2).allSatisfy(snippet -> assertThat(snippet).contains("**Zanzibar** **harbour**"));
        // stems start words; their other characters are escaped; words after - are left out
        assertThat(db.queryForObject("SELECT app_query_stems_pattern(app_search_query('decide node.js or maps -disk'))", String.class))
                .isEqualTo("\\m(decid|decis|map|node\\.js)");
    }

    /** What a search for {@code query} makes a snippet of, from a hit's text (V10). */
    private String snippetSource(String text, String query) {
        return db.queryForObject("SELECT app_snippet_source(app_ts_config(), ?, q, app_query_stems_pattern(q)) "
                + "FROM app_search_query(?) q", String.class, text, query);
    }

    @Test
    void artifactsAreStoredListedAndCounted() {
        String s = session("artifacts");
        var added = client.command("add_artifact", s, Map.of("name", "Plan", "content", "step one", "artifact_id", "plan-" + s));
        assertThat(added.status()).as(added.toString()).isEqualTo(200);
        assertThat(client.command("get_artifact", null, Map.of("artifact_id", "plan-" + s)).data()
                .path("artifact").path("content").asText()).isEqualTo("step one");
        assertThat(client.command("list_artifacts", s, Map.of()).data().path("count").asInt()).isEqualTo(1);
        assertThat(client.command("get_artifact", null, Map.of("artifact_id", "nope")).code()).isEqualTo("artifact_not_found");
        assertThat(client.command("add_artifact", s, Map.of("name", "x")).field()).isEqualTo("data.content");
        assertThat(count("SELECT artifact_count FROM sessions WHERE session_id = ?", s)).isEqualTo(1);
    }

    @Test
    void aBatchCarriesAChunkAndItsMemoriesAllOrNone() {
        String s = session("batch-chunk");
        var failed = client.command("batch", s, Map.of(
                "conversation_chunk", Map.of("content", "Decision: use JWT\nTODO: write tests", "chunk_id", "bc1"),
                "commands", List.of(Map.of("command", "store_memory", "data", Map.of("type", "bogus", "content", "x")))));
        assertThat(failed.status()).as(failed.toString()).isEqualTo(400);
        assertThat(count("SELECT count(*) FROM conversation_chunks WHERE session_id = ?", s)).isZero();
        assertThat(count("SELECT count(*) FROM memories WHERE session_id = ?", s)).isZero();
        assertThat(count("SELECT conversation_chunk_count + memory_count FROM sessions WHERE session_id = ?", s)).isZero();

        assertThat(failed.field()).isEqualTo("commands[0].data.type");
        assertThat(failed.body().path("error").path("index").asInt()).isZero();
        var badChunk = client.command("batch", s, Map.of("conversation_chunk", Map.of("content", "x", "start_time", "0000-01-01T00:00:00Z"),
                "commands", List.of(Map.of("command", "list_agents"))));
        assertThat(badChunk.field()).as(badChunk.toString()).isEqualTo("conversation_chunk.data.conversation_chunk.start_time");

        var ok = client.command("batch", s, Map.of(
                "conversation_chunk", Map.of("content", "Decision: use JWT\nTODO: write tests", "chunk_id", "bc1"),
                "commands", List.of(Map.of("command", "store_memory", "data", Map.of("type", "note", "content", "x")))));
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
        assertThat(ok.data().path("results").get(0).path("data").path("memories_created").asInt()).isEqualTo(2);
        assertThat(count("SELECT memory_count FROM sessions WHERE session_id = ?", s)).isEqualTo(3);
        assertThat(count("SELECT conversation_chunk_count FROM sessions WHERE session_id = ?", s)).isEqualTo(1);
    }
}
