package dev.aiwebhook;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every field of every command (SPEC §4, README "Commands") with a value of the wrong kind,
 * empty, too long, or unknown: the command fails with the spec's code and names the field,
 * and nothing of it is stored. The table is generated: a valid {@code data} per command, and
 * one field at a time replaced by something hostile.
 */
class CommandFieldTypesTest extends HostileSupport {

    static final String SESSION = "hostile-fields";
    /** A session id that is never created: create_session rows must fail before they make it. */
    static final String NEW = "hostile-never-created";
    static final Object NUMBER = 42;
    static final Object OBJECT = Map.of("a", 1);
    static final Object BOOLEAN = true;

    record Row(String command, String session, Map<String, Object> envelope, int status, String code, String field) {
    }

    private static final List<Arguments> ROWS = new ArrayList<>();

    static Stream<Arguments> sessionCommands() {
        ROWS.clear();
        String t200k = "x".repeat(200_001);

        // create_session: title*, participants[], context, metadata{}
        Map<String, Object> create = data("title", "t");
        text("create_session", NEW, create, "title", 500);
        empty("create_session", NEW, create, "title", "", "missing_field");
        empty("create_session", NEW, create, "title", "   ", "missing_field");
        list("create_session", NEW, create, "participants", 50, 200);
        text("create_session", NEW, create, "context", 100_000);
        object("create_session", NEW, create, "metadata");

        // the session a command is about, top level or in data
        for (String command : List.of("get_session_summary", "resume_session", "pause_session", "complete_session")) {
            sessionId(command, data());
        }

        // store_memory: type*, content*, key, tags[]
        Map<String, Object> store = data("type", "idea", "content", "x");
        sessionId("store_memory", store);
        text("store_memory", SESSION, store, "type", 40);
        value("store_memory", SESSION, store, "type", "dream", "an unknown memory type", "invalid_field", "data.type");
        value("store_memory", SESSION, store, "type", "idea ", "a memory type with a space", "invalid_field", "data.type");
        empty("store_memory", SESSION, store, "type", "", "missing_field");
        id("store_memory", SESSION, store, "key", 200);
        for (Object wrong : List.of(NUMBER, List.of("x"), BOOLEAN)) {
            value("store_memory", SESSION, store, "content", wrong, kind(wrong), "invalid_field", "data.content");
        }
        value("store_memory", SESSION, store, "content", Map.of(), "an empty object", "missing_field", "data.content");
        empty("store_memory", SESSION, store, "content", "", "missing_field");
        value("store_memory", SESSION, store, "content", "x".repeat(100_000), "a 100 kB string", "invalid_field", "data.content");
        list("store_memory", SESSION, store, "tags", 50, 100);

        // retrieve_memory, delete_memory, memory_history: key*
        for (String command : List.of("retrieve_memory", "delete_memory", "memory_history")) {
            Map<String, Object> key = data("key", "k");
            id(command, SESSION, key, "key", 200);
            row(command, SESSION, data(), "no key", 400, "missing_field", "data.key");
        }

        // query_memories: type/types, tags[], tags_mode, text, limit, cursor, filter{}
        Map<String, Object> query = data();
        list("query_memories", SESSION, query, "type", 9, 40);
        value("query_memories", SESSION, query, "type", "dream", "an unknown memory type", "invalid_field", "data.type");
        list("query_memories", SESSION, query, "types", 9, 40);
        value("query_memories", SESSION, query, "types", List.of("idea", "dream"), "an unknown memory type", "invalid_field", "data.types");
        list("query_memories", SESSION, query, "tags", 50, 100);
        text("query_memories", SESSION, query, "tags_mode", 10);
        value("query_memories", SESSION, query, "tags_mode", "some", "an unknown mode", "invalid_field", "data.tags_mode");
        text("query_memories", SESSION, query, "text", 1000);
        page("query_memories", SESSION, query, 200);
        object("query_memories", SESSION, query, "filter");
        value("query_memories", SESSION, query, "filter", Map.of("type", 42), "filter.type a number", "invalid_field", "data.filter.type");
        value("query_memories", SESSION, query, "filter", Map.of("tags_mode", "some"), "filter.tags_mode unknown", "invalid_field", "data.filter.tags_mode");
        value("query_memories", SESSION, query, "filter", Map.of("text", 7), "filter.text a number", "invalid_field", "data.filter.text");
        page("list_memories", SESSION, data(), 200);

        // list_sessions: status, limit, cursor, filter{}
        Map<String, Object> sessions = data();
        text("list_sessions", null, sessions, "status", 20);
        value("list_sessions", null, sessions, "status", "sleeping", "an unknown status", "invalid_field", "data.status");
        page("list_sessions", null, sessions, 200);
        object("list_sessions", null, sessions, "filter");
        value("list_sessions", null, sessions, "filter", Map.of("status", "sleeping"), "filter.status unknown", "invalid_field", "data.filter.status");

        // conversation_chunk: content*, format, chunk_id, participants, start_time, end_time, metadata, extracted_items
        Map<String, Object> chunk = data("content", "Decision: keep it");
        sessionId("conversation_chunk", chunk);
        text("conversation_chunk", SESSION, chunk, "content", 200_000);
        empty("conversation_chunk", SESSION, chunk, "content", "", "missing_field");
        text("conversation_chunk", SESSION, chunk, "format", 20);
        value("conversation_chunk", SESSION, chunk, "format", "poem", "an unknown format", "invalid_field", "data.format");
        id("conversation_chunk", SESSION, chunk, "chunk_id", 200);
        list("conversation_chunk", SESSION, chunk, "participants", 50, 200);
        for (String time : List.of("start_time", "end_time")) {
            text("conversation_chunk", SESSION, chunk, time, 60);
            value("conversation_chunk", SESSION, chunk, time, "yesterday", "not a time", "invalid_field", "data." + time);
            value("conversation_chunk", SESSION, chunk, time, "2026-13-45T00:00:00Z", "month 13", "invalid_field", "data." + time);
        }
        object("conversation_chunk", SESSION, chunk, "metadata");
        for (Object wrong : List.of(NUMBER, "ideas", List.of("idea"))) {
            value("conversation_chunk", SESSION, chunk, "extracted_items", wrong, kind(wrong), "invalid_field", "data.extracted_items");
        }
        value("conversation_chunk", SESSION, chunk, "extracted_items", Map.of("dreams", List.of("x")), "an unknown kind of item",
                "invalid_field", "data.extracted_items.dreams");
        value("conversation_chunk", SESSION, chunk, "extracted_items", Map.of("ideas", "x"), "items not a list",
                "invalid_field", "data.extracted_items.ideas");
        value("conversation_chunk", SESSION, chunk, "extracted_items", Map.of("ideas", List.of(42)), "an item a number",
                "invalid_field", "data.extracted_items.ideas[0]");
        value("conversation_chunk", SESSION, chunk, "extracted_items", Map.of("decisions", List.of("")), "an empty item",
                "invalid_field", "data.extracted_items.decisions[0]");
        value("conversation_chunk", SESSION, chunk, "extracted_items", Map.of("questions", List.of(Map.of())), "an empty object item",
                "invalid_field", "data.extracted_items.questions[0]");
        value("conversation_chunk", SESSION, chunk, "extracted_items", Map.of("ideas", Collections.nCopies(100_000, "i")),
                "100,000 items", "invalid_field", "data.extracted_items");
        for (Object wrong : List.of(NUMBER, "c", List.of("c"), BOOLEAN)) {
            row("conversation_chunk", SESSION, data("conversation_chunk", wrong), "conversation_chunk " + kind(wrong),
                    400, "invalid_field", "data.conversation_chunk");
        }
        row("conversation_chunk", SESSION, data("conversation_chunk", Map.of("content", 42)), "conversation_chunk.content a number",
                400, "invalid_field", "data.conversation_chunk.content");
        row("append_conversation", SESSION, data("content", 42), "content a number (alias)", 400, "invalid_field", "data.content");

        // search: query*, scope, kinds[], type/types, limit
        Map<String, Object> search = data("query", "jwt");
        text("search", SESSION, search, "query", 20_000);
        empty("search", SESSION, search, "query", "", "missing_field");
        text("search", SESSION, search, "scope", 20);
        value("search", SESSION, search, "scope", "world", "an unknown scope", "invalid_field", "data.scope");
        row("search", null, data("query", "jwt", "scope", "session"), "scope session without a session", 400, "missing_field", "session_id");
        list("search", SESSION, search, "kinds", 3, 20);
        value("search", SESSION, search, "kinds", List.of("files"), "an unknown kind", "invalid_field", "data.kinds");
        list("search", SESSION, search, "types", 9, 40);
        value("search", SESSION, search, "type", "dream", "an unknown memory type", "invalid_field", "data.type");
        integer("search", SESSION, search, "limit", 1, 100);

        // add_artifact: name*, content*, artifact_type, format, metadata, task_id, artifact_id
        Map<String, Object> artifact = data("name", "n", "content", "c");
        sessionId("add_artifact", artifact);
        text("add_artifact", SESSION, artifact, "name", 500);
        empty("add_artifact", SESSION, artifact, "name", "", "missing_field");
        text("add_artifact", SESSION, artifact, "content", 200_000);
        empty("add_artifact", SESSION, artifact, "content", " ", "missing_field");
        text("add_artifact", SESSION, artifact, "artifact_type", 50);
        text("add_artifact", SESSION, artifact, "format", 50);
        object("add_artifact", SESSION, artifact, "metadata");
        id("add_artifact", SESSION, artifact, "task_id", 200);
        id("add_artifact", SESSION, artifact, "artifact_id", 200);
        id("get_artifact", SESSION, data("artifact_id", "a"), "artifact_id", 200);
        row("get_artifact", SESSION, data(), "no artifact_id", 400, "missing_field", "data.artifact_id");
        row("get_artifact", SESSION, data("artifact_id", "no-such-artifact"), "an unknown artifact", 404, "artifact_not_found", "artifact_id");
        text("list_artifacts", SESSION, data(), "artifact_type", 50);
        page("list_artifacts", SESSION, data(), 200);

        // delegate_task: agent*, task_type, input{}, priority, task_id
        Map<String, Object> delegate = data("agent", "memory_keeper", "task_type", "session_report");
        text("delegate_task", SESSION, delegate, "agent", 100);
        empty("delegate_task", SESSION, delegate, "agent", "", "missing_field");
        value("delegate_task", SESSION, delegate, "agent", "nobody", "an unknown agent", "agent_not_found", "agent", 404);
        text("delegate_task", SESSION, delegate, "task_type", 100);
        object("delegate_task", SESSION, delegate, "input");
        for (Object wrong : List.of("high", List.of(1), OBJECT, BOOLEAN, 10_000_000_000L)) {
            value("delegate_task", SESSION, delegate, "priority", wrong, kind(wrong), "invalid_field", "data.priority");
        }
        id("delegate_task", SESSION, delegate, "task_id", 200);
        row("delegate_task", "no-such-session", delegate, "an unknown session", 404, "session_not_found", "session_id");

        // get_task, list_tasks
        id("get_task", null, data("task_id", "t"), "task_id", 200);
        row("get_task", null, data(), "no task_id", 400, "missing_field", "data.task_id");
        row("get_task", null, data("task_id", "no-such-task"), "an unknown task", 404, "task_not_found", "task_id");
        Map<String, Object> tasks = data();
        text("list_tasks", null, tasks, "status", 20);
        value("list_tasks", null, tasks, "status", "done", "an unknown status", "invalid_field", "data.status");
        text("list_tasks", null, tasks, "kind", 20);
        value("list_tasks", null, tasks, "kind", "remote", "an unknown kind", "invalid_field", "data.kind");
        page("list_tasks", null, tasks, 200);

        // batch: commands[] (≤ 100) of {command, data, session_id?}, conversation_chunk
        row("batch", SESSION, data(), "no commands", 400, "missing_field", "data.commands");
        for (Object wrong : List.of(NUMBER, "store_memory", OBJECT, BOOLEAN, List.of())) {
            row("batch", SESSION, data("commands", wrong), "commands " + kind(wrong), 400, "invalid_field", "data.commands");
        }
        row("batch", SESSION, data("commands", Collections.nCopies(101, Map.of("command", "list_agents"))), "101 commands",
                400, "invalid_field", "data.commands");
        row("batch", SESSION, data("commands", List.of(42)), "an element a number", 400, "invalid_field", "commands[0]");
        row("batch", SESSION, data("commands", List.of(Map.of())), "an element without a command", 400, "missing_field", "commands[0].command");
        row("batch", SESSION, data("commands", List.of(Map.of("command", 42))), "an element's command a number",
                400, "invalid_field", "commands[0].command");
        row("batch", SESSION, data("commands", List.of(Map.of("command", "batch"))), "a batch in a batch",
                400, "invalid_field", "commands[0].command");
        row("batch", SESSION, data("commands", List.of(Map.of("command", "list_agents"), Map.of("command", "fly"))),
                "an unknown command in a batch", 400, "unknown_command", "commands[1].command");
        row("batch", SESSION, data("commands", List.of(Map.of("command", "store_memory", "data", data("type", "idea", "content", "ok")),
                        Map.of("command", "store_memory", "data", data("type", "idea", "content", 5)))),
                "a bad field in the second element", 400, "invalid_field", "commands[1].data.content");
        row("batch", SESSION, data("commands", List.of(Map.of("command", "store_memory", "data", "x"))), "an element's data a string",
                400, "invalid_field", "commands[0].data");
        for (Object wrong : List.of(NUMBER, "chunk")) {
            row("batch", SESSION, data("commands", List.of(Map.of("command", "list_agents")), "conversation_chunk", wrong),
                    "conversation_chunk " + kind(wrong), 400, "invalid_field", "data.conversation_chunk");
        }

        // unknown commands
        for (String unknown : List.of("fly_to_the_moon", "STORE_MEMORY", "store_memory ", "__proto__", "../store_memory",
                "store_memory; DROP TABLE sessions", "direct:store_memory", "${header.command}", "x".repeat(10_000))) {
            row(unknown, SESSION, data("type", "idea", "content", "x"), "unknown command " + abbreviate(unknown),
                    400, "unknown_command", "command");
        }
        return new ArrayList<>(ROWS).stream();
    }

    /** task_command: refused before anything runs; the refusal itself is one audit row in tasks (SPEC §4). */
    static Stream<Arguments> taskCommands() {
        ROWS.clear();
        Map<String, Object> params = data("command", List.of("git", "status"));
        Map<String, Object> task = data("action_type", "git", "params", params);
        task("no params", data("action_type", "git"), "missing_field", "data.params");
        task("params a string", data("action_type", "git", "params", "git status"), "invalid_field", "data.params");
        task("no action_type", data("params", params), "missing_field", "data.action_type");
        for (Object wrong : List.of(NUMBER, List.of("git"), OBJECT, BOOLEAN)) {
            task("action_type " + kind(wrong), with(task, "action_type", wrong), "invalid_field", "data.action_type");
        }
        task("no command", data("action_type", "git", "params", data()), "missing_field", "data.params.command");
        for (Object wrong : List.of(NUMBER, OBJECT, BOOLEAN)) {
            task("command " + kind(wrong), data("action_type", "git", "params", data("command", wrong)), "invalid_field", "data.params.command");
        }
        task("an argument a number", data("action_type", "git", "params", data("command", List.of("git", 5))),
                "invalid_field", "data.params.command[1]");
        task("an empty command", data("action_type", "git", "params", data("command", List.of())), "missing_field", "data.params.command");
        task("a blank command", data("action_type", "git", "params", data("command", "  ")), "missing_field", "data.params.command");
        task("101 arguments", data("action_type", "git", "params", data("command", Collections.nCopies(101, "git"))),
                "invalid_field", "data.params.command");
        task("an argument of 4,097 characters", data("action_type", "git", "params", data("command", List.of("git", "log", "x".repeat(4097)))),
                "invalid_field", "data.params.command");
        for (Object wrong : List.of(NUMBER, List.of("/tmp"), OBJECT, BOOLEAN)) {
            task("working_dir " + kind(wrong), data("action_type", "git", "params", with(params, "working_dir", wrong)),
                    "invalid_field", "data.params.working_dir");
        }
        task("a command of 100 kB", data("action_type", "git", "params", data("command", "git log " + "x".repeat(100_000))),
                "invalid_field", "data.params.command");
        for (Object wrong : List.of("30", -1, 0, List.of(30), BOOLEAN)) {
            task("timeout " + kind(wrong) + " " + wrong, data("action_type", "git", "params", with(params, "timeout", wrong)),
                    "invalid_field", "data.params.timeout");
        }
        for (Object wrong : List.of(NUMBER, List.of("t"), "", "x".repeat(201), "t\u0007")) {
            task("task_id " + kind(wrong), with(task, "task_id", wrong), "invalid_field", "data.task_id");
        }
        return new ArrayList<>(ROWS).stream();
    }

    @BeforeEach
    void fixtures() throws Exception {
        if (count("SELECT count(*) FROM sessions WHERE session_id = ?", SESSION) == 0) {
            client.command("create_session", SESSION, Map.of("title", "hostile field types"));
        }
        Files.createDirectories(Path.of("target/task-roots/allowed"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sessionCommands")
    void aSessionCommandWithABadFieldFailsAndStoresNothing(Row row) {
        Map<String, Integer> before = effects();
        var reply = client.post("/webhook", TestClient.json(row.envelope()), KEY);
        assertError(reply, row.status(), row.code(), row.field());
        assertThat(reply.body().path("command").asText()).isEqualTo(row.command());
        assertThat(effects()).as("nothing stored").isEqualTo(before);
        var status = client.get("/webhook/" + reply.body().path("id").asText(), KEY);
        assertThat(status.body().path("status").asText()).isEqualTo("failed");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("taskCommands")
    void aTaskCommandWithABadFieldIsRefusedAndOnlyRecorded(Row row) {
        Map<String, Integer> before = effects();
        var reply = client.post("/webhook", TestClient.json(row.envelope()), KEY);
        assertError(reply, row.status(), row.code(), row.field());
        Map<String, Integer> expected = new LinkedHashMap<>(before);
        expected.merge("tasks", 1, Integer::sum);
        assertThat(effects()).as("only the refusal is recorded").isEqualTo(expected);
        assertThat(db.queryForObject("SELECT status || '/' || kind FROM tasks ORDER BY id DESC LIMIT 1", String.class))
                .isEqualTo("rejected/local");
    }

    // --- the generators ---

    /** A string field: a number, an array, an object, a boolean, one character too many. */
    static void text(String command, String session, Map<String, Object> base, String field, int max) {
        for (Object wrong : List.of(NUMBER, List.of("x"), OBJECT, BOOLEAN)) {
            value(command, session, base, field, wrong, kind(wrong), "invalid_field", "data." + field);
        }
        value(command, session, base, field, "x".repeat(max + 1), (max + 1) + " characters", "invalid_field", "data." + field);
        if (max < 100_000) {
            value(command, session, base, field, "x".repeat(100_000), "100 kB", "invalid_field", "data." + field);
        }
    }

    /** An identifier: as text, and neither empty nor with control characters. */
    static void id(String command, String session, Map<String, Object> base, String field, int max) {
        text(command, session, base, field, max);
        value(command, session, base, field, "", "empty", "invalid_field", "data." + field);
        value(command, session, base, field, "a\tb", "a tab", "invalid_field", "data." + field);
        value(command, session, base, field, "a\nb", "a newline", "invalid_field", "data." + field);
    }

    /** A list of short strings (a single string is a list of one). */
    static void list(String command, String session, Map<String, Object> base, String field, int maxItems, int maxLength) {
        for (Object wrong : List.of(NUMBER, OBJECT, BOOLEAN)) {
            value(command, session, base, field, wrong, kind(wrong), "invalid_field", "data." + field);
        }
        value(command, session, base, field, List.of("ok", 1), "an item a number", "invalid_field", "data." + field + "[1]");
        value(command, session, base, field, List.of(List.of("x")), "an item a list", "invalid_field", "data." + field + "[0]");
        value(command, session, base, field, List.of(""), "an empty item", "invalid_field", "data." + field + "[0]");
        value(command, session, base, field, List.of("x".repeat(maxLength + 1)), "an item too long", "invalid_field", "data." + field + "[0]");
        List<String> many = new ArrayList<>();
        for (int i = 0; i <= maxItems; i++) {
            many.add("i" + i);
        }
        value(command, session, base, field, many, (maxItems + 1) + " items", "invalid_field", "data." + field);
        value(command, session, base, field, Collections.nCopies(100_000, "i"), "100,000 items", "invalid_field", "data." + field);
    }

    static void object(String command, String session, Map<String, Object> base, String field) {
        for (Object wrong : List.of(NUMBER, "x", List.of(1), BOOLEAN)) {
            value(command, session, base, field, wrong, kind(wrong), "invalid_field", "data." + field);
        }
    }

    static void integer(String command, String session, Map<String, Object> base, String field, int min, int max) {
        for (Object wrong : List.of("many", 1.5, List.of(1), OBJECT, BOOLEAN, min - 1, max + 1, 1L << 40)) {
            value(command, session, base, field, wrong, kind(wrong) + " " + abbreviate(String.valueOf(wrong)), "invalid_field", "data." + field);
        }
    }

    /** limit and cursor of a paged listing. */
    static void page(String command, String session, Map<String, Object> base, int maxLimit) {
        integer(command, session, base, "limit", 1, maxLimit);
        for (Object wrong : List.of(NUMBER, List.of("1"), BOOLEAN, "abc", "-1", "x".repeat(41))) {
            value(command, session, base, "cursor", wrong, kind(wrong) + " " + abbreviate(String.valueOf(wrong)), "invalid_field", "data.cursor");
        }
    }

    /** session_id of the wrong kind, empty, too long, with control characters, at the top or in data. */
    static void sessionId(String command, Map<String, Object> data) {
        for (Object wrong : List.of(NUMBER, List.of("s"), OBJECT, BOOLEAN, "", "x".repeat(201), "x".repeat(100_000), "s\u0001")) {
            rowWith(command, wrong, data, "session_id " + kind(wrong), 400, "invalid_field", "session_id");
        }
        rowWith(command, null, with(data, "session_id", 7), "data.session_id a number", 400, "invalid_field", "data.session_id");
        rowWith(command, null, data, "no session_id", 400, "missing_field", "session_id");
        rowWith(command, "no-such-session", data, "an unknown session", 404, "session_not_found", "session_id");
    }

    static void empty(String command, String session, Map<String, Object> base, String field, String value, String code) {
        value(command, session, base, field, value, value.isEmpty() ? "empty" : "blank", code, "data." + field);
    }

    static void value(String command, String session, Map<String, Object> base, String field, Object value, String what,
                      String code, String expectedField) {
        value(command, session, base, field, value, what, code, expectedField, 400);
    }

    static void value(String command, String session, Map<String, Object> base, String field, Object value, String what,
                      String code, String expectedField, int status) {
        row(command, session, with(base, field, value), field + " " + what, status, code, expectedField);
    }

    static void row(String command, String session, Map<String, Object> data, String what, int status, String code, String field) {
        rowWith(command, session, data, what, status, code, field);
    }

    static void rowWith(String command, Object session, Map<String, Object> data, String what, int status, String code, String field) {
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("type", "collaborative_session_command");
        envelope.put("command", command);
        envelope.put("sync", true);
        if (session != null) {
            envelope.put("session_id", session);
        }
        envelope.put("data", data);
        add(abbreviate(command) + ": " + what, new Row(command, String.valueOf(session), envelope, status, code, field));
    }

    static void task(String what, Map<String, Object> data, String code, String field) {
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("type", "task_command");
        envelope.put("sync", true);
        envelope.put("data", data);
        add("task_command: " + what, new Row("", null, envelope, 400, code, field));
    }

    private static void add(String name, Row row) {
        ROWS.add(Arguments.of(Named.of(name, row)));
    }

    static Map<String, Object> data(Object... pairs) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], pairs[i + 1]);
        }
        return m;
    }

    static Map<String, Object> with(Map<String, Object> base, String field, Object value) {
        Map<String, Object> m = new LinkedHashMap<>(base);
        m.put(field, value);
        return m;
    }

    static String kind(Object value) {
        if (value instanceof String s) {
            return s.isEmpty() ? "empty" : s.length() > 40 ? s.length() + " characters" : "a string";
        }
        if (value instanceof Boolean) {
            return "a boolean";
        }
        if (value instanceof Number) {
            return "a number";
        }
        if (value instanceof List<?>) {
            return "an array";
        }
        return "an object";
    }

    static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 12) + "…(" + s.length() + " chars)" : s;
    }
}
