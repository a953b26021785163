package dev.aiwebhook;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bodies the relay refuses at the door (SPEC §3: "reject at once, nothing queued"): not JSON,
 * not one object, invalid UTF-8, duplicate keys, absurd nesting, NUL characters, a bad
 * envelope. Each row: the body, the HTTP status, the error code, the field named.
 */
class MalformedBodyTest extends HostileSupport {

    private static final String OK_HEAD = "{\"type\": \"collaborative_session_command\", \"command\": \"store_memory\", ";

    static Stream<Arguments> malformedJson() {
        return Stream.of(
                bad("truncated object", "{\"type\": \"collaborative_session_command\", "),
                bad("truncated in a string", "{\"type\": \"collab"),
                bad("truncated after a colon", "{\"type\":"),
                bad("a lone open brace", "{"),
                bad("a lone closing brace", "}"),
                bad("trailing garbage", "{\"type\": \"collaborative_session_command\", \"command\": \"list_agents\"} trailing"),
                bad("two objects", "{\"type\": \"task_command\"}{\"type\": \"task_command\"}"),
                bad("trailing comma in an object", "{\"type\": \"collaborative_session_command\", \"command\": \"list_agents\",}"),
                bad("trailing comma in an array", OK_HEAD + "\"data\": {\"tags\": [\"a\",]}}"),
                bad("NaN", OK_HEAD + "\"data\": {\"n\": NaN}}"),
                bad("Infinity", OK_HEAD + "\"data\": {\"n\": Infinity}}"),
                bad("-Infinity", OK_HEAD + "\"data\": {\"n\": -Infinity}}"),
                bad("single quotes", "{'type': 'collaborative_session_command', 'command': 'list_agents'}"),
                bad("unquoted keys", "{type: \"collaborative_session_command\", command: \"list_agents\"}"),
                bad("a line comment", "// hello\n{\"type\": \"collaborative_session_command\", \"command\": \"list_agents\"}"),
                bad("a block comment", "{/* hi */ \"type\": \"collaborative_session_command\", \"command\": \"list_agents\"}"),
                bad("a hash comment", "# hi\n{\"type\": \"collaborative_session_command\", \"command\": \"list_agents\"}"),
                bad("a raw control character in a string", OK_HEAD + "\"data\": {\"content\": \"a\u0001b\"}}"),
                bad("a raw newline in a string", OK_HEAD + "\"data\": {\"content\": \"line\nbreak\"}}"),
                bad("a raw tab in a string", OK_HEAD + "\"data\": {\"content\": \"tab\there\"}}"),
                bad("an invalid escape", OK_HEAD + "\"data\": {\"content\": \"\\x41\"}}"),
                bad("a short unicode escape", OK_HEAD + "\"data\": {\"content\": \"\\u12\"}}"),
                bad("leading zeros", OK_HEAD + "\"data\": {\"limit\": 007}}"),
                bad("a hex number", OK_HEAD + "\"data\": {\"limit\": 0x10}}"),
                bad("a plus sign", OK_HEAD + "\"data\": {\"limit\": +1}}"),
                bad("a leading dot", OK_HEAD + "\"data\": {\"limit\": .5}}"),
                bad("an unterminated string", "{\"type\": \"collaborative_session_command}"),
                bad("a missing colon", "{\"type\" \"collaborative_session_command\"}"),
                bad("a missing comma", "{\"type\": \"collaborative_session_command\" \"command\": \"list_agents\"}"),
                bad("True in capitals", "{\"type\": \"collaborative_session_command\", \"command\": \"list_agents\", \"sync\": True}"),
                bad("undefined", OK_HEAD + "\"data\": {\"content\": undefined}}"),
                bad("a 2,000-digit number", OK_HEAD + "\"data\": {\"n\": 1" + "0".repeat(2000) + "}}"),
                bad("an empty body", ""),
                bad("whitespace only", "  \n\t  "),
                bad("a BOM then garbage", bytes(new int[] {0xEF, 0xBB, 0xBF}, "not json")),
                bad("two BOMs then JSON", bytes(new int[] {0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF},
                        "{\"type\": \"collaborative_session_command\", \"command\": \"list_agents\"}")),
                bad("UTF-16 with its BOM", "{\"type\": \"collaborative_session_command\", \"command\": \"list_agents\"}"
                        .getBytes(StandardCharsets.UTF_16)),
                bad("UTF-16BE without a BOM", "{\"type\": \"collaborative_session_command\", \"command\": \"list_agents\"}"
                        .getBytes(StandardCharsets.UTF_16BE)),
                bad("UTF-16LE without a BOM", "{\"type\": \"collaborative_session_command\", \"command\": \"list_agents\"}"
                        .getBytes(StandardCharsets.UTF_16LE)),
                bad("UTF-32BE without a BOM", "{\"type\": \"collaborative_session_command\", \"command\": \"list_agents\"}"
                        .getBytes(java.nio.charset.Charset.forName("UTF-32BE"))),
                bad("a raw NUL byte between tokens", bytes(new int[0], "{\"type\": \"task_command\",", new int[] {0}, " \"data\": {}}")));
    }

    static Stream<Arguments> notAnObject() {
        return Stream.of(
                bad("an empty array", "[]"),
                bad("an array of one webhook", "[{\"type\": \"collaborative_session_command\", \"command\": \"list_agents\"}]"),
                bad("a string", "\"collaborative_session_command\""),
                bad("a number", "42"),
                bad("a float", "1.5"),
                bad("null", "null"),
                bad("true", "true"),
                bad("false", "false"),
                bad("a 100,000-element array", "[" + "1,".repeat(99_999) + "1]"));
    }

    static Stream<Arguments> duplicateKeys() {
        return Stream.of(
                bad("type twice", "{\"type\": \"task_command\", \"type\": \"collaborative_session_command\", \"command\": \"list_agents\"}"),
                bad("command twice", "{\"type\": \"collaborative_session_command\", \"command\": \"list_agents\", \"command\": \"list_sessions\"}"),
                bad("session_id twice, same value", OK_HEAD + "\"session_id\": \"s\", \"session_id\": \"s\", \"data\": {}}"),
                bad("a key twice in data", OK_HEAD + "\"data\": {\"key\": \"a\", \"key\": \"b\"}}"),
                bad("a key twice deep in content", OK_HEAD + "\"data\": {\"content\": {\"x\": {\"a\": 1, \"a\": 2}}}}"));
    }

    static Stream<Arguments> absurdNesting() {
        return Stream.of(
                bad("10,000 nested arrays", "[".repeat(10_000) + "]".repeat(10_000)),
                bad("10,000 nested objects in content",
                        OK_HEAD + "\"data\": {\"content\": " + "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000) + "}}"),
                bad("10,000 nested arrays in tags", OK_HEAD + "\"data\": {\"tags\": " + "[".repeat(10_000) + "]".repeat(10_000) + "}}"),
                bad("65 levels, one over the limit", "{\"a\":".repeat(65) + "1" + "}".repeat(65)),
                bad("10,000 unclosed arrays", "[".repeat(10_000)));
    }

    static Stream<Arguments> invalidUtf8() {
        return Stream.of(
                bad("a lone continuation byte", utf8With(new int[] {0x80})),
                bad("an overlong slash", utf8With(new int[] {0xC0, 0xAF})),
                bad("an overlong NUL", utf8With(new int[] {0xC0, 0x80})),
                bad("an overlong three-byte form", utf8With(new int[] {0xE0, 0x80, 0xAF})),
                bad("a truncated sequence inside a string", utf8With(new int[] {0xE2, 0x82})),
                bad("a truncated sequence at the end of the body",
                        bytes(new int[0], "{\"type\": \"task_command\"}", new int[] {0xE2, 0x82})),
                bad("a high surrogate encoded in UTF-8", utf8With(new int[] {0xED, 0xA0, 0x80})),
                bad("a low surrogate encoded in UTF-8", utf8With(new int[] {0xED, 0xB0, 0x80})),
                bad("a code point above U+10FFFF", utf8With(new int[] {0xF4, 0x90, 0x80, 0x80})),
                bad("a five-byte sequence", utf8With(new int[] {0xF8, 0x88, 0x80, 0x80, 0x80})),
                bad("the byte 0xFF", utf8With(new int[] {0xFF})),
                bad("the byte 0xFE", utf8With(new int[] {0xFE})),
                bad("Latin-1 in a field name", bytes(new int[0], "{\"caf", new int[] {0xE9}, "\": 1, \"type\": \"task_command\"}")));
    }

    static Stream<Arguments> badEnvelope() {
        return Stream.of(
                bad("an empty object", "{}", 400, "missing_field", "type"),
                bad("type null", "{\"type\": null, \"command\": \"list_agents\"}", 400, "missing_field", "type"),
                bad("type empty", "{\"type\": \"\", \"command\": \"list_agents\"}", 400, "unknown_type", "type"),
                bad("type unknown", "{\"type\": \"pizza_order\", \"command\": \"list_agents\"}", 400, "unknown_type", "type"),
                bad("type in capitals", "{\"type\": \"COLLABORATIVE_SESSION_COMMAND\", \"command\": \"list_agents\"}", 400, "unknown_type", "type"),
                bad("type with a trailing space", "{\"type\": \"task_command \"}", 400, "unknown_type", "type"),
                bad("type a number", "{\"type\": 42}", 400, "unknown_type", "type"),
                bad("type an array", "{\"type\": [\"task_command\"]}", 400, "unknown_type", "type"),
                bad("type an object", "{\"type\": {\"name\": \"task_command\"}}", 400, "unknown_type", "type"),
                bad("type a boolean", "{\"type\": true}", 400, "unknown_type", "type"),
                bad("command missing", "{\"type\": \"collaborative_session_command\"}", 400, "missing_field", "command"),
                bad("command null", "{\"type\": \"collaborative_session_command\", \"command\": null}", 400, "missing_field", "command"),
                bad("command blank", "{\"type\": \"collaborative_session_command\", \"command\": \"   \"}", 400, "missing_field", "command"),
                bad("command a number", "{\"type\": \"collaborative_session_command\", \"command\": 7}", 400, "invalid_field", "command"),
                bad("command an array", "{\"type\": \"collaborative_session_command\", \"command\": [\"list_agents\"]}", 400, "invalid_field", "command"),
                bad("command an object", "{\"type\": \"collaborative_session_command\", \"command\": {}}", 400, "invalid_field", "command"),
                bad("command a boolean", "{\"type\": \"collaborative_session_command\", \"command\": false}", 400, "invalid_field", "command"),
                bad("data a string", OK_HEAD + "\"data\": \"content\"}", 400, "invalid_field", "data"),
                bad("data a number", OK_HEAD + "\"data\": 1}", 400, "invalid_field", "data"),
                bad("data an array", OK_HEAD + "\"data\": [{}]}", 400, "invalid_field", "data"),
                bad("data a boolean", OK_HEAD + "\"data\": true}", 400, "invalid_field", "data"),
                bad("data a 100,000-element array", OK_HEAD + "\"data\": [" + "0,".repeat(99_999) + "0]}", 400, "invalid_field", "data"),
                bad("task data a string", "{\"type\": \"task_command\", \"data\": \"git status\"}", 400, "invalid_field", "data"),
                bad("sync a string", OK_HEAD + "\"sync\": \"yes\"}", 400, "invalid_field", "sync"),
                bad("sync the string true", OK_HEAD + "\"sync\": \"true\"}", 400, "invalid_field", "sync"),
                bad("sync a number", OK_HEAD + "\"sync\": 1}", 400, "invalid_field", "sync"),
                bad("two different session ids", OK_HEAD + "\"session_id\": \"a\", \"data\": {\"session_id\": \"b\"}}", 400, "invalid_field", "session_id"),
                bad("two session ids of different types", OK_HEAD + "\"session_id\": \"1\", \"data\": {\"session_id\": 1}}", 400, "invalid_field", "session_id"),
                bad("a number too large to store", OK_HEAD + "\"data\": {\"content\": {\"n\": 1e200000}}}", 400, "invalid_field", "data.content.n"),
                bad("a number too precise to store", OK_HEAD + "\"data\": {\"content\": {\"n\": 1e-20000}}}", 400, "invalid_field", "data.content.n"));
    }

    /** PostgreSQL cannot store U+0000 in text or jsonb: refused at the door for every kind of text field. */
    static Stream<Arguments> nulCharacters() {
        String nul = "\\u0000";
        return Stream.of(
                nul("memory content", OK_HEAD + "\"session_id\": \"s\", \"data\": {\"type\": \"idea\", \"content\": \"a" + nul + "b\"}}", "data.content"),
                nul("object content", OK_HEAD + "\"session_id\": \"s\", \"data\": {\"type\": \"idea\", \"content\": {\"text\": \"" + nul + "\"}}}", "data.content.text"),
                nul("a memory key", OK_HEAD + "\"session_id\": \"s\", \"data\": {\"type\": \"idea\", \"key\": \"k" + nul + "\", \"content\": \"x\"}}", "data.key"),
                nul("a tag", OK_HEAD + "\"session_id\": \"s\", \"data\": {\"type\": \"idea\", \"content\": \"x\", \"tags\": [\"ok\", \"t" + nul + "\"]}}", "data.tags[1]"),
                nul("a memory type", OK_HEAD + "\"session_id\": \"s\", \"data\": {\"type\": \"idea" + nul + "\", \"content\": \"x\"}}", "data.type"),
                nul("a session title", session("create_session", "{\"title\": \"T" + nul + "\"}"), "data.title"),
                nul("a participant", session("create_session", "{\"title\": \"T\", \"participants\": [\"" + nul + "\"]}"), "data.participants[0]"),
                nul("a session context", session("create_session", "{\"title\": \"T\", \"context\": \"" + nul + "\"}"), "data.context"),
                nul("metadata", session("create_session", "{\"title\": \"T\", \"metadata\": {\"m\": \"" + nul + "\"}}"), "data.metadata.m"),
                nul("a search query", session("search", "{\"query\": \"jwt" + nul + "\"}"), "data.query"),
                nul("a query text", session("query_memories", "{\"text\": \"" + nul + "\"}"), "data.text"),
                nul("a chunk", session("conversation_chunk", "{\"content\": \"Decision: x" + nul + "\"}"), "data.content"),
                nul("an extracted item", session("conversation_chunk", "{\"content\": \"c\", \"extracted_items\": {\"ideas\": [\"" + nul + "\"]}}"),
                        "data.extracted_items.ideas[0]"),
                nul("an artifact name", session("add_artifact", "{\"name\": \"" + nul + "\", \"content\": \"c\"}"), "data.name"),
                nul("an artifact", session("add_artifact", "{\"name\": \"n\", \"content\": \"" + nul + "\"}"), "data.content"),
                nul("an agent name", session("delegate_task", "{\"agent\": \"memory_keeper" + nul + "\"}"), "data.agent"),
                nul("a session id", "{\"type\": \"collaborative_session_command\", \"command\": \"get_session_summary\", \"session_id\": \"s" + nul + "\"}", "session_id"),
                nul("a command", "{\"type\": \"collaborative_session_command\", \"command\": \"list" + nul + "agents\"}", "command"),
                nul("a type", "{\"type\": \"task_command" + nul + "\"}", "type"),
                nul("a task argument", "{\"type\": \"task_command\", \"data\": {\"action_type\": \"git\", \"params\": {\"command\": [\"git\", \"log" + nul + "\"]}}}",
                        "data.params.command[1]"),
                nul("a working directory", "{\"type\": \"task_command\", \"data\": {\"action_type\": \"git\", \"params\": {\"command\": \"git status\", \"working_dir\": \"/tmp" + nul + "\"}}}",
                        "data.params.working_dir"),
                nul("content: a lone high surrogate escape", OK_HEAD + "\"session_id\": \"s\", \"data\": {\"type\": \"idea\", \"content\": \"a\\ud800b\"}}", "data.content"),
                nul("a tag: a lone low surrogate escape", OK_HEAD + "\"session_id\": \"s\", \"data\": {\"type\": \"idea\", \"content\": \"x\", \"tags\": [\"\\udc00\"]}}", "data.tags[0]"),
                nul("a key: surrogates in the wrong order", OK_HEAD + "\"session_id\": \"s\", \"data\": {\"type\": \"idea\", \"key\": \"\\udc00\\ud800\", \"content\": \"x\"}}", "data.key"),
                nul("a field name at the top", "{\"type\": \"task_command\", \"a" + nul + "\": 1}", null),
                nul("a field name in data", OK_HEAD + "\"data\": {\"a" + nul + "\": 1}}", "data"));
    }

    static Stream<Arguments> badQueryAndHeaders() {
        return Stream.of(
                Arguments.of(Named.of("?wait=abc", "/webhook?wait=abc"), Map.of(), "invalid_field", "wait"),
                Arguments.of(Named.of("?wait=-1", "/webhook?wait=-1"), Map.of(), "invalid_field", "wait"),
                Arguments.of(Named.of("?wait=99999999999999999999", "/webhook?wait=99999999999999999999"), Map.of(), "invalid_field", "wait"),
                Arguments.of(Named.of("?clientId= posing as another client", "/webhook?clientId=someone"), Map.of(), "invalid_field", "clientId"),
                Arguments.of(Named.of("?command= overriding the body", "/webhook?command=delete_memory"), Map.of(), "invalid_field", "command"),
                Arguments.of(Named.of("a blank Idempotency-Key", "/webhook"), Map.of("Idempotency-Key", " "), "invalid_field", "Idempotency-Key"),
                Arguments.of(Named.of("a 201-character Idempotency-Key", "/webhook"), Map.of("Idempotency-Key", "k".repeat(201)), "invalid_field", "Idempotency-Key"),
                Arguments.of(Named.of("a 201-character webhook-id", "/webhook"), Map.of("webhook-id", "k".repeat(201)), "invalid_field", "Idempotency-Key"));
    }

    /** Where we are lenient on purpose: one byte order mark, any Content-Type, a real surrogate pair. */
    @org.junit.jupiter.api.Test
    void leniencyIsLimitedToWhatIsHarmless() {
        String ok = "{\"type\": \"collaborative_session_command\", \"command\": \"list_agents\"}";
        assertThat(postRaw(bytes(new int[] {0xEF, 0xBB, 0xBF}, ok)).status()).isEqualTo(202);
        assertThat(client.post("/webhook", ok, Map.of("X-API-Key", TestClient.API_KEY, "Content-Type", "text/plain")).status()).isEqualTo(202);
        assertThat(client.post("/webhook", ok, Map.of("X-API-Key", TestClient.API_KEY,
                "Content-Type", "application/x-www-form-urlencoded")).status()).isEqualTo(202);
        assertThat(client.webhook(OK_HEAD + "\"session_id\": \"s\", \"data\": {\"content\": \"\\ud83d\\ude00\"}}").status())
                .as("an escaped emoji is a valid pair").isEqualTo(202);
    }

    @ParameterizedTest(name = "malformed JSON: {0}")
    @MethodSource("malformedJson")
    void malformedJsonIsRefused(byte[] body, int status, String code, String field) {
        assertRefusedAtTheDoor(body, status, code, field);
    }

    @ParameterizedTest(name = "not an object: {0}")
    @MethodSource("notAnObject")
    void aBodyThatIsNotAnObjectIsRefused(byte[] body, int status, String code, String field) {
        assertRefusedAtTheDoor(body, status, code, field);
    }

    @ParameterizedTest(name = "duplicate keys: {0}")
    @MethodSource("duplicateKeys")
    void duplicateKeysAreRefused(byte[] body, int status, String code, String field) {
        assertRefusedAtTheDoor(body, status, code, field);
    }

    @ParameterizedTest(name = "nesting: {0}")
    @MethodSource("absurdNesting")
    void absurdNestingIsRefused(byte[] body, int status, String code, String field) {
        assertRefusedAtTheDoor(body, status, code, field);
    }

    @ParameterizedTest(name = "invalid UTF-8: {0}")
    @MethodSource("invalidUtf8")
    void invalidUtf8IsRefused(byte[] body, int status, String code, String field) {
        assertRefusedAtTheDoor(body, status, code, field);
    }

    @ParameterizedTest(name = "envelope: {0}")
    @MethodSource("badEnvelope")
    void aBadEnvelopeIsRefused(byte[] body, int status, String code, String field) {
        assertRefusedAtTheDoor(body, status, code, field);
    }

    @ParameterizedTest(name = "NUL in {0}")
    @MethodSource("nulCharacters")
    void aNulCharacterIsRefusedNamingTheField(byte[] body, int status, String code, String field) {
        assertRefusedAtTheDoor(body, status, code, field);
    }

    @ParameterizedTest(name = "request: {0}")
    @MethodSource("badQueryAndHeaders")
    void aBadQueryParameterOrHeaderIsRefused(String path, Map<String, String> headers, String code, String field) {
        int before = queued();
        Map<String, String> all = new java.util.HashMap<>(headers);
        all.putAll(KEY);
        var reply = client.post(path, "{\"type\": \"collaborative_session_command\", \"command\": \"list_agents\"}", all);
        assertError(reply, 400, code, field);
        assertThat(queued()).isEqualTo(before);
    }

    private void assertRefusedAtTheDoor(byte[] body, int status, String code, String field) {
        int before = queued();
        var reply = postRaw(body);
        assertError(reply, status, code, field);
        assertThat(queued()).as("nothing queued").isEqualTo(before);
    }

    // --- building the rows ---

    private static Arguments bad(String name, Object body) {
        return bad(name, body, 400, "invalid_json", null);
    }

    private static Arguments bad(String name, Object body, int status, String code, String field) {
        byte[] bytes = body instanceof byte[] b ? b : ((String) body).getBytes(StandardCharsets.UTF_8);
        return Arguments.of(Named.of(name, bytes), status, code, field);
    }

    private static Arguments nul(String name, String body, String field) {
        return bad(name, body, 400, "invalid_field", field);
    }

    private static String session(String command, String data) {
        return "{\"type\": \"collaborative_session_command\", \"command\": \"" + command
                + "\", \"session_id\": \"s\", \"data\": " + data + "}";
    }

    /** A store_memory body whose content holds the given raw bytes. */
    private static byte[] utf8With(int[] raw) {
        return bytes(new int[0], OK_HEAD + "\"session_id\": \"s\", \"data\": {\"type\": \"idea\", \"content\": \"x", raw, "y\"}}");
    }

    private static byte[] bytes(int[] prefix, String text) {
        return bytes(prefix, text, new int[0], "");
    }

    private static byte[] bytes(int[] prefix, String text, int[] raw) {
        return bytes(prefix, text, raw, "");
    }

    private static byte[] bytes(int[] prefix, String text, int[] raw, String tail) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int b : prefix) {
            out.write(b);
        }
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
        for (int b : raw) {
            out.write(b);
        }
        out.writeBytes(tail.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }
}
