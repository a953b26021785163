package dev.aiwebhook.assistants;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.springframework.stereotype.Component;

import dev.aiwebhook.catalog.CatalogCommand;

/**
 * A command as a tool call: its arguments are the fields of its {@code data} plus
 * {@code session_id}, one flat object, which is what GPT Actions and MCP clients fill in best.
 * Shared by POST /commands/{command}, the OpenAPI document and the MCP tools.
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

    /** The webhook body that carries a call: type, command, session_id, data, sync. */
    public ObjectNode webhook(CatalogCommand command, ObjectNode arguments) {
        ObjectNode data = arguments.deepCopy();
        JsonNode sessionId = data.remove("session_id");
        ObjectNode webhook = JSON.createObjectNode();
        webhook.put("type", command.webhookType());
        if (!command.isTask()) {
            webhook.put("command", command.name());
        }
        if (sessionId != null && !sessionId.isNull()) {
            webhook.set("session_id", sessionId);
        }
        webhook.put("sync", true);
        webhook.set("data", data);
        return webhook;
    }

    /** The catalog's example as arguments. */
    public ObjectNode example(CatalogCommand command) {
        ObjectNode arguments = JSON.createObjectNode();
        if (command.example().has("session_id")) {
            arguments.set("session_id", command.example().get("session_id"));
        }
        if (command.example().path("data").isObject()) {
            arguments.setAll((ObjectNode) command.example().get("data"));
        }
        return arguments;
    }
}
