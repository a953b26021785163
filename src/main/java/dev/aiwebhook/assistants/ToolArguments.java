package dev.aiwebhook.assistants;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.springframework.stereotype.Component;

import dev.aiwebhook.catalog.CatalogCommand;

/**
 * The JSON Schema of a command's arguments as a tool call: the fields of its {@code data} plus
 * {@code session_id}, one flat object, which is what GPT Actions and MCP clients fill in best
 * ({@link CatalogCommand#webhook} turns them back into a webhook). Shared by the OpenAPI
 * document and the MCP tools.
 */
@Component
public class ToolArguments {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The JSON Schema of the arguments (the older nested shapes, marked deprecated, left out). */
    public ObjectNode schema(CatalogCommand command) {
        ObjectNode schema = JSON.createObjectNode();
        schema.put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        ArrayNode required = JSON.createArrayNode();
        if (!command.session().equals("none")) {
            properties.putObject("session_id").put("type", "string").put("maxLength", 200)
                    .put("description", command.session().equals("required")
                            ? "The session it belongs to."
                            : command.name().equals("create_session")
                            ? "An id for the new session (generated from the title if absent)."
                            : "The session to work in (absent: every session).");
            if (command.session().equals("required")) {
                required.add("session_id");
            }
        }
        for (Map.Entry<String, JsonNode> p : command.data().path("properties").properties()) {
            if (!p.getValue().path("deprecated").asBoolean(false)) {
                properties.set(p.getKey(), p.getValue().deepCopy());
            }
        }
        command.data().path("required").forEach(required::add);
        if (!required.isEmpty()) {
            schema.set("required", required);
        }
        return schema;
    }
}
