package dev.aiwebhook;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import dev.aiwebhook.catalog.CatalogCommand;
import dev.aiwebhook.catalog.CommandCatalog;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/SESSION_API_REFERENCE.md and docs/MEMORY_TYPES_GUIDE.md are made from
 * catalog/commands.yaml; this test fails when they drift. To rewrite them after changing the
 * catalog: {@code ./mvnw test -Dtest='CatalogDocsTest,LlmInstructionsTest' -Ddocs.update=true}.
 */
class CatalogDocsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static void assertDocument(Path path, String expected) throws Exception {
        if (Boolean.getBoolean("docs.update")) {
            Files.createDirectories(path.getParent());
            Files.writeString(path, expected);
        }
        String actual = Files.exists(path) ? Files.readString(path) : "";
        if (!actual.equals(expected)) {
            Path fresh = Path.of("target/docs").resolve(path.getFileName());
            Files.createDirectories(fresh.getParent());
            Files.writeString(fresh, expected);
        }
        assertThat(actual).as(path + " is out of date with catalog/commands.yaml: run ./mvnw test "
                + "-Dtest='CatalogDocsTest,LlmInstructionsTest' -Ddocs.update=true (fresh copy in target/docs)")
                .isEqualTo(expected);
    }

    @Test
    void theApiReferenceIsTheCatalog() throws Exception {
        assertDocument(Path.of("docs/SESSION_API_REFERENCE.md"), apiReference(new CommandCatalog()));
    }

    @Test
    void theMemoryTypesGuideIsTheCatalog() throws Exception {
        assertDocument(Path.of("docs/MEMORY_TYPES_GUIDE.md"), memoryTypesGuide(new CommandCatalog()));
    }

    static String apiReference(CommandCatalog catalog) throws Exception {
        StringBuilder out = new StringBuilder();
        out.append("# Session API reference\n\n")
                .append("<!-- Made from src/main/resources/catalog/commands.yaml by CatalogDocsTest: edit the catalog, not this file. -->\n\n")
                .append("Every command is a webhook: `POST /webhook` with `X-API-Key` (or `Authorization: Bearer`) and a body\n")
                .append("`{\"type\": \"collaborative_session_command\", \"command\": <command>, \"session_id\": …, \"sync\": true, \"data\": {…}}`\n")
                .append("(`task_command` has `\"type\": \"task_command\"` and no `command`). The same command can be called as\n")
                .append("`POST /commands/<command>` with the data fields and `session_id` as one flat body (what GPT Actions and\n")
                .append("MCP tools send).\n\n")
                .append("Results: `{\"status\": \"success\", \"command\", \"message\", \"data\"}` or `{\"status\": \"error\", \"command\",\n")
                .append("\"message\", \"error\": {\"code\", \"field\"}}`. Every command can also answer `invalid_json`, `unknown_type`,\n")
                .append("`unknown_command`, `missing_field`, `invalid_field` (the field is named), `unauthorized`, `rate_limited`.\n\n");
        out.append("| command | what it does |\n|---|---|\n");
        for (CatalogCommand c : catalog.commands()) {
            out.append("| [`").append(c.name()).append("`](#").append(c.name()).append(") | ")
                    .append(c.summary().replace("|", "\\|")).append(" |\n");
        }
        for (CatalogCommand c : catalog.commands()) {
            out.append("\n## ").append(c.name()).append("\n\n").append(c.summary()).append("\n\n");
            if (!c.aliases().isEmpty()) {
                out.append("Also accepted as: ").append(String.join(", ", c.aliases().stream().map(a -> "`" + a + "`").toList()))
                        .append(".\n\n");
            }
            out.append("Webhook type `").append(c.webhookType()).append("`; session_id ").append(switch (c.session()) {
                case "required" -> "required";
                case "none" -> "not used";
                default -> "optional";
            }).append(".\n\n");
            out.append("| field | type | required | description |\n|---|---|---|---|\n");
            List<String> required = new ArrayList<>();
            c.data().path("required").forEach(r -> required.add(r.asText()));
            boolean any = false;
            for (Map.Entry<String, JsonNode> p : c.data().path("properties").properties()) {
                any = true;
                out.append("| `data.").append(p.getKey()).append("` | ").append(typeOf(p.getValue())).append(" | ")
                        .append(required.contains(p.getKey()) ? "yes" : "").append(" | ")
                        .append(describe(p.getValue()).replace("|", "\\|")).append(" |\n");
            }
            if (!any) {
                out.append("| — | | | no fields |\n");
            }
            out.append("\nResult `data`: ").append(resultFields(c.result())).append("\n\n");
            if (!c.errors().isEmpty()) {
                out.append("Errors of its own: ").append(String.join(", ", c.errors().stream().map(e -> "`" + e + "`").toList()))
                        .append(".\n\n");
            }
            out.append("```json\n").append(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(c.examplePayload()))
                    .append("\n```\n");
        }
        return out.toString();
    }

    static String memoryTypesGuide(CommandCatalog catalog) throws Exception {
        StringBuilder out = new StringBuilder();
        out.append("# Memory types\n\n")
                .append("<!-- Made from src/main/resources/catalog/commands.yaml by CatalogDocsTest: edit the catalog, not this file. -->\n\n")
                .append("A memory is one typed, keyed, tagged item in a session, stored with `store_memory`. The type says\n")
                .append("what kind of knowledge it is, so an assistant can later ask precise questions (\"which decisions\",\n")
                .append("\"which open questions\") with `query_memories` by `type`. Content is text or a JSON object; storing\n")
                .append("the same `key` again makes a new version and keeps the old one (`memory_history`).\n\n")
                .append("| type | use it for |\n|---|---|\n");
        for (CommandCatalog.MemoryType t : catalog.memoryTypes()) {
            out.append("| `").append(t.name()).append("` | ").append(t.use()).append(" |\n");
        }
        for (CommandCatalog.MemoryType t : catalog.memoryTypes()) {
            ObjectNode payload = JSON.createObjectNode();
            payload.put("type", CommandCatalog.SESSION_COMMAND);
            payload.put("command", "store_memory");
            payload.put("session_id", "auth-design");
            payload.put("sync", true);
            ObjectNode data = payload.putObject("data");
            data.put("type", t.name());
            data.setAll((ObjectNode) t.example());
            out.append("\n## ").append(t.name()).append("\n\n").append(t.use()).append("\n\n```json\n")
                    .append(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(payload)).append("\n```\n");
        }
        out.append("\nFind them again: `query_memories` with `type` (or `types`), `tags` and `text`; or `search` with\n")
                .append("`kinds: [\"memories\"]` and `type`. A conversation chunk's `Decision:`, `TODO:`, `Idea:`, `Question:`,\n")
                .append("`Fact:`, `Risk:`, `Note:` lines become memories of these types, tagged `extracted`.\n");
        return out.toString();
    }

    private static String typeOf(JsonNode schema) {
        JsonNode type = schema.path("type");
        String text = type.isArray() ? String.join(" or ", toList(type)) : type.asText("any");
        if (schema.has("enum")) {
            text += ": " + String.join(", ", toList(schema.get("enum")).stream().map(e -> "`" + e + "`").toList());
        }
        return text;
    }

    private static String describe(JsonNode schema) {
        String text = schema.path("description").asText("");
        List<String> limits = new ArrayList<>();
        if (schema.has("maxLength")) {
            limits.add("at most " + schema.get("maxLength").asInt() + " characters");
        }
        if (schema.has("maxItems")) {
            limits.add("at most " + schema.get("maxItems").asInt() + " items");
        }
        if (schema.has("minimum") || schema.has("maximum")) {
            limits.add(schema.path("minimum").asText("…") + " to " + schema.path("maximum").asText("…"));
        }
        return limits.isEmpty() ? text : (text + " (" + String.join("; ", limits) + ")").trim();
    }

    private static String resultFields(JsonNode result) {
        if (result.has("$ref")) {
            return "a `" + result.get("$ref").asText().replace("#/$defs/", "") + "`.";
        }
        List<String> fields = new ArrayList<>();
        result.path("properties").fieldNames().forEachRemaining(f -> fields.add("`" + f + "`"));
        return fields.isEmpty() ? "—" : String.join(", ", fields) + ".";
    }

    private static List<String> toList(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
