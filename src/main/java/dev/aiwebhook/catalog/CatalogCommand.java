package dev.aiwebhook.catalog;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One command of the catalog.
 *
 * @param session required, optional or none: whether the command needs a session_id
 * @param tiers   the instruction tiers that show it (minimal, medium, full)
 * @param data    JSON Schema of the webhook's data
 * @param result  JSON Schema of a success result's data
 * @param example a payload the app accepts: session_id (when it takes one) and data
 */
public record CatalogCommand(String name, List<String> aliases, String webhookType, String session,
                             List<String> tiers, String summary, ObjectNode data, JsonNode result,
                             List<String> errors, JsonNode example) {

    static CatalogCommand of(JsonNode c) {
        String name = c.path("name").asText();
        if (name.isEmpty() || !c.path("data").isObject() || !c.path("example").isObject() || c.path("summary").asText().isEmpty()) {
            throw new IllegalStateException("catalog/commands.yaml: command '" + name + "' needs name, summary, data and example");
        }
        return new CatalogCommand(name, texts(c.path("aliases")),
                c.path("webhookType").asText(CommandCatalog.SESSION_COMMAND), c.path("session").asText("required"),
                texts(c.path("tiers")), c.path("summary").asText(), (ObjectNode) c.path("data"), c.path("result"),
                texts(c.path("errors")), c.path("example"));
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return List.copyOf(out);
    }

    /** The name and its aliases. */
    public List<String> names() {
        List<String> all = new ArrayList<>(List.of(name));
        all.addAll(aliases);
        return all;
    }

    /** The Camel endpoint that carries it out. */
    public String route() {
        return "direct:" + name;
    }

    public boolean isTask() {
        return CommandCatalog.TASK_COMMAND.equals(webhookType);
    }

    public boolean inTier(String tier) {
        return "full".equals(tier) || tiers.contains(tier);
    }

    /**
     * A call's arguments as one flat object: session_id (when given) and the data fields. This
     * is what GPT Actions, MCP tools and the instruction lines carry.
     */
    public ObjectNode exampleArguments() {
        ObjectNode arguments = JsonNodeFactory.instance.objectNode();
        if (example.has("session_id")) {
            arguments.set("session_id", example.get("session_id"));
        }
        if (example.path("data").isObject()) {
            arguments.setAll((ObjectNode) example.get("data").deepCopy());
        }
        return arguments;
    }

    /** The webhook body that carries a call with these arguments, in sync mode. */
    public ObjectNode webhook(ObjectNode arguments) {
        ObjectNode data = arguments.deepCopy();
        JsonNode sessionId = data.remove("session_id");
        ObjectNode webhook = JsonNodeFactory.instance.objectNode();
        webhook.put("type", webhookType);
        if (!isTask()) {
            webhook.put("command", name);
        }
        if (sessionId != null && !sessionId.isNull()) {
            webhook.set("session_id", sessionId);
        }
        webhook.put("sync", true);
        webhook.set("data", data);
        return webhook;
    }

    /** The whole webhook body for this command's example. */
    public ObjectNode examplePayload() {
        return webhook(exampleArguments());
    }
}
