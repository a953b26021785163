package dev.aiwebhook;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * docs/COLLABORATIVE_SESSIONS_GUIDE.md, run as written: every ```json block is posted, in order,
 * to the running app, and the outcomes the guide states are checked. Session ids get a suffix of
 * this run (the test database is shared and kept between runs); the guide's working_dir
 * placeholders become the test repository under the allowed task root.
 */
class CollaborativeGuideTest extends AppTestSupport {

    static final Path GUIDE = Path.of("docs/COLLABORATIVE_SESSIONS_GUIDE.md");
    static final String CURL = "curl -s -X POST http://localhost:8080/webhook -H \"X-API-Key: $API_KEY\" -d @- <<'EOF'";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A fenced block of the guide: its `## ` section, language, text, and the ```text block after it. */
    record Block(String section, String lang, String text, int line, String shownResult) {
    }

    /** A json block as sent, and the app's reply. */
    record Step(Block block, ObjectNode payload, TestClient.Reply reply) {
        String command() {
            return payload.path("type").asText().equals("task_command") ? "task_command" : payload.path("command").asText();
        }

        JsonNode data() {
            return reply.data();
        }
    }

    /** Suffix of this run's session ids: the guide's ids (carbon-tracking-feature, …) + "-guide-" + run. */
    private final String run = "-guide-" + Long.toString(System.nanoTime(), 36);
    private final Map<String, String> sessionIds = new LinkedHashMap<>();

    @BeforeAll
    static void repository() throws Exception {
        TaskRepository.ensure();
    }

    @Test
    void everyPayloadOfTheGuideSucceedsWithTheOutcomesItStates() throws Exception {
        // the test database is kept between runs: earlier runs of the guide would crowd its search over everything
        db.update("DELETE FROM sessions WHERE session_id ~ '^[a-z0-9-]+-guide-[a-z0-9]+$'");
        List<Block> blocks = blocks(Files.readAllLines(GUIDE));
        Map<String, List<Step>> sections = new LinkedHashMap<>();
        for (Block b : blocks) {
            if (b.lang().equals("json")) {
                sections.computeIfAbsent(b.section(), k -> new ArrayList<>()).add(post(b));
            }
        }
        assertThat(sections.keySet()).as("sections with payloads").containsExactly(
                "Journey 1: walking the dog", "Journey 2: code review on the commute", "Journey 3: learning across days",
                "Conversation chunks: a transcript becomes memories", "Batch: several memories in one transaction",
                "Sync and async");
        assertThat(sessionIds.keySet()).containsExactly("carbon-tracking-feature", "code-review-pr-42", "learning-mcp");

        curlLinesMatchTheFirstPayloadOfEachJourney(blocks, sections);
        walkingTheDog(sections.get("Journey 1: walking the dog"));
        codeReview(sections.get("Journey 2: code review on the commute"));
        learning(sections.get("Journey 3: learning across days"));
        conversationChunk(sections.get("Conversation chunks: a transcript becomes memories"));
        batch(sections.get("Batch: several memories in one transaction"));
        for (String session : sessionIds.values()) {
            assertCountersMatchRows(session);
        }
    }

    /** Posts one payload (session ids and working_dir replaced); sync ones must succeed at once, async ones later. */
    private Step post(Block b) throws Exception {
        ObjectNode payload = (ObjectNode) JSON.readTree(b.text());
        assertThat(payload.path("type").asText()).as("line " + b.line()).isIn("collaborative_session_command", "task_command");
        rewrite(payload);
        var reply = client.webhook(payload.toString());
        String where = "guide line " + b.line() + ": " + reply;
        if (payload.path("sync").asBoolean()) {
            assertThat(reply.status()).as(where).isEqualTo(200);
            assertThat(reply.body().path("status").asText()).as(where).isEqualTo("success");
            assertThat(reply.body().path("id").asText()).as(where).isNotBlank();
            Step step = new Step(b, payload, reply);
            assertThat(reply.body().path("command").asText()).as(where).isEqualTo(step.command());
            assertShownResultAgrees(step);
            return step;
        }
        // the guide's async example: 202 with a status_url, then the result from it
        assertThat(reply.status()).as(where).isEqualTo(202);
        assertThat(reply.body().path("status").asText()).as(where).isEqualTo("queued");
        String statusUrl = reply.body().path("status_url").asText();
        assertThat(statusUrl).as(where).isEqualTo("/webhook/" + reply.body().path("id").asText());
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(client.get(statusUrl, Map.of("X-API-Key", TestClient.API_KEY)).body().path("status").asText())
                        .isEqualTo("completed"));
        var status = client.get(statusUrl, Map.of("X-API-Key", TestClient.API_KEY));
        assertThat(status.body().path("result").path("status").asText()).as(status.toString()).isEqualTo("success");
        assertThat(status.body().path("attempts").asInt()).isEqualTo(1);
        assertThat(b.shownResult()).contains("HTTP 202", "\"status\":\"queued\"", "\"status_url\":\"/webhook/");
        assertThat(status.body().path("result").path("data").path("key").asText()).isEqualTo("weekly_chart");
        return new Step(b, payload, status);
    }

    /** Every session_id of the guide gets this run's suffix; every working_dir becomes the test repository. */
    private void rewrite(JsonNode node) {
        if (node instanceof ObjectNode object) {
            for (var it = object.fields(); it.hasNext(); ) {
                var field = it.next();
                if (field.getKey().equals("session_id") && field.getValue().isTextual()) {
                    field.setValue(new TextNode(sessionIds.computeIfAbsent(field.getValue().asText(), id -> id + run)));
                } else if (field.getKey().equals("working_dir") && field.getValue().isTextual()) {
                    assertThat(field.getValue().asText()).as("working_dir placeholder").startsWith("/home/me/");
                    field.setValue(new TextNode(TaskRepository.REPO.toString()));
                } else {
                    rewrite(field.getValue());
                }
            }
        } else if (node instanceof ArrayNode array) {
            array.forEach(this::rewrite);
        }
    }

    /** The abbreviated result shown after a payload names the command and, for a stored memory, its real key. */
    private void assertShownResultAgrees(Step step) {
        String shown = step.block().shownResult();
        assertThat(shown).as("result shown after guide line " + step.block().line()).isNotNull()
                .contains("\"status\":\"success\"", "\"command\":\"" + step.command() + "\"");
        if (step.command().equals("store_memory")) {
            assertThat(shown).as("key shown after guide line " + step.block().line())
                    .contains("\"key\":\"" + step.data().path("key").asText() + "\"");
        }
    }

    private void curlLinesMatchTheFirstPayloadOfEachJourney(List<Block> blocks, Map<String, List<Step>> sections)
            throws Exception {
        for (String journey : sections.keySet().stream().filter(s -> s.startsWith("Journey ")).toList()) {
            List<Block> shells = blocks.stream()
                    .filter(b -> b.section().equals(journey) && b.lang().equals("sh")).toList();
            assertThat(shells).as("curl blocks in " + journey).hasSize(1);
            List<String> lines = shells.get(0).text().lines().toList();
            assertThat(lines.get(0)).isEqualTo(CURL);
            assertThat(lines.get(lines.size() - 1)).isEqualTo("EOF");
            JsonNode heredoc = JSON.readTree(String.join("\n", lines.subList(1, lines.size() - 1)));
            assertThat(heredoc).as("curl body in " + journey)
                    .isEqualTo(JSON.readTree(sections.get(journey).get(0).block().text()));
        }
    }

    private void walkingTheDog(List<Step> steps) {
        String session = sessionIds.get("carbon-tracking-feature");
        assertThat(first(steps, "create_session").data().path("session_id").asText()).isEqualTo(session);
        assertThat(first(steps, "list_sessions").data().path("sessions").findValuesAsText("session_id")).contains(session);

        // "what decisions did we make": exactly the decisions stored, with their rationale
        List<JsonNode> stored = stored(steps, "decision");
        assertThat(stored).isNotEmpty();
        JsonNode found = first(steps, "query_memories").data().path("memories");
        assertThat(found).hasSize(stored.size());
        for (int i = 0; i < stored.size(); i++) {
            JsonNode memory = found.get(stored.size() - 1 - i);   // newest first
            assertThat(memory.path("content")).isEqualTo(stored.get(i).path("content"));
            assertThat(memory.path("key").asText()).isEqualTo(stored.get(i).path("key").asText());
            assertThat(memory.path("content").path("rationale").asText()).isNotBlank();
        }

        JsonNode status = first(steps, "task_command").data();
        assertThat(status.path("exit_code").asInt()).isZero();
        assertThat(status.path("stdout").asText()).contains("On branch main").contains("README.md");
        var tasks = client.command("list_tasks", session, Map.of());
        assertThat(tasks.data().path("tasks").findValuesAsText("task_id")).containsExactly(status.path("task_id").asText());
    }

    private void codeReview(List<Step> steps) {
        String session = sessionIds.get("code-review-pr-42");
        JsonNode log = first(steps, "task_command").data();
        assertThat(log.path("exit_code").asInt()).isZero();
        assertThat(log.path("stdout").asText()).contains("first commit");
        assertThat(stored(steps, "decision")).hasSize(2);

        // "list all the questions": exactly the questions stored in this review, newest first
        List<String> questions = new ArrayList<>(stored(steps, "question").stream().map(d -> d.path("content").asText()).toList());
        assertThat(questions).hasSize(2);
        java.util.Collections.reverse(questions);
        JsonNode listed = first(steps, "query_memories").data();
        assertThat(listed.path("memories").findValuesAsText("content")).containsExactlyElementsOf(questions);
        assertThat(listed.path("count").asInt()).isEqualTo(questions.size());
        assertThat(listed.path("next_cursor").isNull()).isTrue();

        assertThat(first(steps, "complete_session").data().path("status").asText()).isEqualTo("completed");
        JsonNode stats = client.command("get_session_summary", session, null).data().path("stats");
        assertThat(stats.path("memories_by_type").path("question").asInt()).isEqualTo(2);
        assertThat(stats.path("tasks").asInt()).isEqualTo(1);
    }

    private void learning(List<Step> steps) {
        String session = sessionIds.get("learning-mcp");
        assertThat(first(steps, "pause_session").data().path("status").asText()).isEqualTo("paused");
        assertThat(first(steps, "resume_session").data().path("status").asText()).isEqualTo("active");

        // "what facts do I know about MCP?": the facts stored, newest first
        List<String> facts = new ArrayList<>(stored(steps, "fact").stream().map(d -> d.path("content").asText()).toList());
        assertThat(facts).hasSize(3);
        java.util.Collections.reverse(facts);
        JsonNode known = first(steps, "query_memories").data();
        assertThat(known.path("memories").findValuesAsText("content")).containsExactlyElementsOf(facts);
        assertThat(known.path("memories").findValuesAsText("key")).containsExactly("fact_3", "fact_2", "fact_1");

        // the search over everything: the note and the fact about the stdio transport, best first, snippets marked
        JsonNode hits = first(steps, "search").data().path("hits");
        List<String> ours = new ArrayList<>();
        hits.forEach(h -> {
            if (h.path("session_id").asText().equals(session)) {
                ours.add(h.path("key").asText());
                assertThat(h.path("kind").asText()).isEqualTo("memory");
                assertThat(h.path("snippet").asText()).contains("**stdio** **transport**");
            }
        });
        assertThat(ours).containsExactly("stdio_experiment", "fact_3");
        assertThat(hits.get(0).path("session_id").asText()).isEqualTo(session);
        assertThat(find(hits, h -> h.path("key").asText().equals("fact_3")).path("memory_type").asText()).isEqualTo("fact");
    }

    private void conversationChunk(List<Step> steps) {
        String session = sessionIds.get("carbon-tracking-feature");
        Step chunk = first(steps, "conversation_chunk");
        assertThat(chunk.data().path("chunk_id").asText()).isEqualTo("walk-transcript-1");
        assertThat(chunk.data().path("memories_created").asInt()).isEqualTo(3);
        // action_item_1 is journey 1's: the extracted one is the next of its type
        List<String> keys = new ArrayList<>();
        chunk.data().path("memory_keys").forEach(k -> keys.add(k.asText()));
        assertThat(keys).containsExactly("decision_1", "action_item_2", "question_1");
        var extracted = client.command("query_memories", session, Map.of("tags", List.of("extracted")));
        Map<String, String> byType = new HashMap<>();
        extracted.data().path("memories").forEach(m -> {
            assertThat(m.path("source_chunk_id").asText()).isEqualTo("walk-transcript-1");
            byType.put(m.path("type").asText(), m.path("content").asText());
        });
        assertThat(byType).containsOnly(
                Map.entry("decision", "detect the transport mode from speed, and let the user correct it"),
                Map.entry("action_item", "collect a week of my own trips as test data"),
                Map.entry("question", "Should the weekly chart compare with the national average?"));
    }

    private void batch(List<Step> steps) {
        Step batch = first(steps, "batch");
        int commands = batch.payload().path("data").path("commands").size();
        assertThat(batch.data().path("processed").asInt()).isEqualTo(commands);
        assertThat(batch.data().path("results").findValuesAsText("status")).hasSize(commands).containsOnly("success");
    }

    private static Step first(List<Step> steps, String command) {
        return steps.stream().filter(s -> s.command().equals(command)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + command + " in this part of the guide"));
    }

    /** The data of the store_memory payloads of one memory type, in the guide's order. */
    private static List<JsonNode> stored(List<Step> steps, String type) {
        return steps.stream().filter(s -> s.command().equals("store_memory"))
                .map(s -> s.payload().path("data")).filter(d -> d.path("type").asText().equals(type)).toList();
    }

    private static JsonNode find(JsonNode array, Predicate<JsonNode> test) {
        for (JsonNode n : array) {
            if (test.test(n)) {
                return n;
            }
        }
        throw new AssertionError("not found in " + array);
    }

    /** The fenced blocks of a Markdown file, each with its `## ` section and the ```text block that follows it. */
    static List<Block> blocks(List<String> lines) {
        List<Block> raw = new ArrayList<>();
        String section = "";
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("## ")) {
                section = line.substring(3).strip();
            } else if (line.startsWith("```")) {
                String lang = line.substring(3).strip();
                int start = i + 1;
                int end = start;
                while (end < lines.size() && !lines.get(end).startsWith("```")) {
                    end++;
                }
                assertThat(end).as("unclosed block at line " + (i + 1)).isLessThan(lines.size());
                raw.add(new Block(section, lang, String.join("\n", lines.subList(start, end)), i + 1, null));
                i = end;
            }
        }
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            Block b = raw.get(i);
            String shown = null;
            for (int j = i + 1; j < raw.size() && !raw.get(j).lang().equals("json"); j++) {
                if (raw.get(j).lang().equals("text")) {
                    shown = raw.get(j).text();
                    break;
                }
            }
            blocks.add(new Block(b.section(), b.lang(), b.text(), b.line(), shown));
        }
        return blocks;
    }
}
