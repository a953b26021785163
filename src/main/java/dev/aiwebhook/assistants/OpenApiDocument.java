package dev.aiwebhook.assistants;

import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import dev.aiwebhook.catalog.CatalogCommand;
import dev.aiwebhook.catalog.CommandCatalog;

/**
 * GET /openapi.json: an OpenAPI 3.1 document made from the catalog, for GPT Actions. Each
 * command is its own operation (POST /commands/{name}, operationId = the command), with its
 * arguments and result schemas; POST /webhook and GET /webhook/{id} are described too.
 */
@Component("openApiDocument")
public class OpenApiDocument {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final CommandCatalog catalog;
    private final ToolArguments arguments;
    private final PublicUrl publicUrl;

    public OpenApiDocument(CommandCatalog catalog, ToolArguments arguments, PublicUrl publicUrl) {
        this.catalog = catalog;
        this.arguments = arguments;
        this.publicUrl = publicUrl;
    }

    public void serve(Exchange exchange) {
        String body = document(publicUrl.of(exchange)).toPrettyString();
        exchange.getMessage().getHeaders().clear();
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(body);
    }

    public ObjectNode document(String serverUrl) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("openapi", "3.1.0");
        ObjectNode info = doc.putObject("info");
        info.put("title", "ai-webhook");
        info.put("version", "1.0.0");
        info.put("description", "Structured memory (sessions, typed memories, conversation chunks, search, artifacts)"
                + " and safe local tasks for an assistant. Every operation answers the command's result:"
                + " {status: success, data} or {status: error, message, error: {code, field}}.");
        doc.putArray("servers").addObject().put("url", serverUrl);
        ArrayNode security = doc.putArray("security");
        security.addObject().putArray("apiKey");
        security.addObject().putArray("bearer");

        ObjectNode components = doc.putObject("components");
        ObjectNode schemes = components.putObject("securitySchemes");
        schemes.putObject("apiKey").put("type", "apiKey").put("in", "header").put("name", "X-API-Key");
        schemes.putObject("bearer").put("type", "http").put("scheme", "bearer")
                .put("description", "The same API key, as Authorization: Bearer <key>.");
        ObjectNode schemas = components.putObject("schemas");
        for (Map.Entry<String, JsonNode> def : catalog.defs().properties()) {
            schemas.set(def.getKey(), componentRefs(def.getValue().deepCopy()));
        }
        schemas.set("Error", errorSchema());
        schemas.set("Webhook", webhookSchema());
        schemas.set("Accepted", acceptedSchema());

        ObjectNode paths = doc.putObject("paths");
        for (CatalogCommand command : catalog.commands()) {
            ObjectNode post = paths.putObject("/commands/" + command.name()).putObject("post");
            post.put("operationId", command.name());
            post.put("summary", command.summary());
            post.putArray("tags").add(command.isTask() ? "tasks" : "sessions");
            ObjectNode request = post.putObject("requestBody");
            request.put("required", true);
            ObjectNode media = request.putObject("content").putObject("application/json");
            media.set("schema", componentRefs(arguments.schema(command)));
            media.set("example", command.exampleArguments());
            ObjectNode responses = post.putObject("responses");
            responses.set("200", jsonResponse("The command's result.", successSchema(command)));
            responses.set("202", jsonResponse("Not finished within the wait: poll status_url.", ref("Accepted")));
            responses.set("4XX", jsonResponse("The command failed or was refused: error.code and error.field say why.",
                    ref("Error")));
        }

        ObjectNode webhook = paths.putObject("/webhook").putObject("post");
        webhook.put("operationId", "sendWebhook");
        webhook.put("summary", "Send any command as a webhook (async by default; \"sync\": true or ?wait=N for the result).");
        webhook.putArray("tags").add("webhooks");
        ObjectNode waitParam = webhook.putArray("parameters").addObject();
        waitParam.put("name", "wait").put("in", "query").put("required", false)
                .put("description", "Seconds to wait for the result (sync mode).");
        waitParam.putObject("schema").put("type", "integer").put("minimum", 0);
        ObjectNode webhookBody = webhook.putObject("requestBody");
        webhookBody.put("required", true);
        webhookBody.putObject("content").putObject("application/json").set("schema", ref("Webhook"));
        ObjectNode webhookResponses = webhook.putObject("responses");
        webhookResponses.set("200", jsonResponse("Sync mode: the command's result, with the webhook id.",
                JSON.createObjectNode().put("type", "object")));
        webhookResponses.set("202", jsonResponse("Stored; queued or still processing.", ref("Accepted")));
        webhookResponses.set("4XX", jsonResponse("Refused: error.code and error.field say why.", ref("Error")));

        ObjectNode status = paths.putObject("/webhook/{id}").putObject("get");
        status.put("operationId", "getWebhook");
        status.put("summary", "The status and result of a webhook you sent.");
        status.putArray("tags").add("webhooks");
        ObjectNode idParam = status.putArray("parameters").addObject();
        idParam.put("name", "id").put("in", "path").put("required", true);
        idParam.putObject("schema").put("type", "string");
        ObjectNode statusResponses = status.putObject("responses");
        ObjectNode statusSchema = JSON.createObjectNode().put("type", "object");
        ObjectNode statusProps = statusSchema.putObject("properties");
        statusProps.putObject("id").put("type", "string");
        statusProps.putObject("status").put("type", "string").set("enum",
                JSON.valueToTree(new String[] {"queued", "processing", "completed", "failed", "dead"}));
        statusProps.putObject("received_at").put("type", "string");
        statusProps.putObject("completed_at").set("type", JSON.valueToTree(new String[] {"string", "null"}));
        statusProps.putObject("attempts").put("type", "integer");
        statusProps.putObject("result").set("type", JSON.valueToTree(new String[] {"object", "null"}));
        statusResponses.set("200", jsonResponse("The webhook.", statusSchema));
        statusResponses.set("404", jsonResponse("No webhook of yours has this id.", ref("Error")));
        return doc;
    }

    private ObjectNode successSchema(CatalogCommand command) {
        ObjectNode schema = JSON.createObjectNode().put("type", "object");
        ObjectNode props = schema.putObject("properties");
        props.putObject("status").put("type", "string").set("enum", JSON.createArrayNode().add("success"));
        props.putObject("command").put("type", "string");
        props.putObject("message").put("type", "string");
        props.putObject("id").put("type", "string").put("description", "The webhook that carried the call.");
        props.set("data", command.result().isObject() ? componentRefs(command.result().deepCopy())
                : JSON.createObjectNode().put("type", "object"));
        schema.putArray("required").add("status").add("data");
        return schema;
    }

    private static ObjectNode errorSchema() {
        ObjectNode schema = JSON.createObjectNode().put("type", "object");
        ObjectNode props = schema.putObject("properties");
        props.putObject("status").put("type", "string").set("enum", JSON.createArrayNode().add("error"));
        props.putObject("command").set("type", JSON.createArrayNode().add("string").add("null"));
        props.putObject("message").put("type", "string").put("description", "A sentence for a person.");
        ObjectNode error = props.putObject("error").put("type", "object");
        ObjectNode errorProps = error.putObject("properties");
        errorProps.putObject("code").put("type", "string").set("enum", JSON.valueToTree(new String[] {
                "invalid_json", "unknown_type", "unknown_command", "missing_field", "invalid_field",
                "session_not_found", "session_exists", "memory_not_found", "task_not_found", "agent_not_found",
                "artifact_not_found", "conflict", "task_rejected", "task_timeout", "payload_too_large",
                "unauthorized", "rate_limited", "internal_error", "unavailable"}));
        errorProps.putObject("field").set("type", JSON.createArrayNode().add("string").add("null"));
        error.putArray("required").add("code");
        schema.putArray("required").add("status").add("message").add("error");
        return schema;
    }

    private static ObjectNode webhookSchema() {
        ObjectNode schema = JSON.createObjectNode().put("type", "object");
        ObjectNode props = schema.putObject("properties");
        props.putObject("type").put("type", "string").set("enum",
                JSON.createArrayNode().add(CommandCatalog.SESSION_COMMAND).add(CommandCatalog.TASK_COMMAND));
        props.putObject("command").put("type", "string").put("description", "The command (session commands).");
        props.putObject("session_id").put("type", "string");
        props.putObject("sync").put("type", "boolean");
        props.putObject("data").put("type", "object");
        schema.putArray("required").add("type");
        return schema;
    }

    private static ObjectNode acceptedSchema() {
        ObjectNode schema = JSON.createObjectNode().put("type", "object");
        ObjectNode props = schema.putObject("properties");
        props.putObject("status").put("type", "string").set("enum", JSON.createArrayNode().add("queued").add("processing"));
        props.putObject("id").put("type", "string");
        props.putObject("status_url").put("type", "string");
        return schema;
    }

    private static ObjectNode jsonResponse(String description, JsonNode schema) {
        ObjectNode response = JSON.createObjectNode().put("description", description);
        response.putObject("content").putObject("application/json").set("schema", schema);
        return response;
    }

    private static ObjectNode ref(String name) {
        return JSON.createObjectNode().put("$ref", "#/components/schemas/" + name);
    }

    /** The catalog's {@code #/$defs/x} references, pointed at this document's components. */
    private static JsonNode componentRefs(JsonNode node) {
        if (node.isObject()) {
            ObjectNode object = (ObjectNode) node;
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("$ref") && e.getValue().isTextual()) {
                    e.setValue(TextNode.valueOf(e.getValue().asText().replace("#/$defs/", "#/components/schemas/")));
                } else {
                    componentRefs(e.getValue());
                }
            }
        } else if (node.isArray()) {
            node.forEach(OpenApiDocument::componentRefs);
        }
        return node;
    }
}
