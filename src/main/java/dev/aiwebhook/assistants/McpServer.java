package dev.aiwebhook.assistants;

import java.nio.charset.StandardCharsets;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import dev.aiwebhook.catalog.CatalogCommand;
import dev.aiwebhook.catalog.CommandCatalog;
import dev.aiwebhook.relay.RejectedRequest;
import dev.aiwebhook.relay.RelayReplies;

/**
 * POST /mcp: the Model Context Protocol over Streamable HTTP (JSON-RPC 2.0, one JSON reply per
 * request, no server-sent stream). Each catalog command is a tool; tools/call goes through the
 * same intake as a sync webhook (route mcp), so it is stored, run by the worker and answered
 * exactly like one. Command failures are tool results with isError, not protocol errors.
 */
@Component("mcpServer")
public class McpServer {

    public static final List<String> PROTOCOL_VERSIONS = List.of("2025-06-18", "2025-03-26", "2024-11-05");
    static final String SESSION_HEADER = "Mcp-Session-Id";
    static final String ID = "mcpId";
    static final String METHOD = "mcpMethod";
    static final String TOOL = "mcpTool";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INSTRUCTIONS = "ai-webhook keeps structured memory for the user across conversations"
            + " and devices. Work in a session (create_session once, then pass its session_id). Store what matters as"
            + " you go with store_memory (decision, idea, question, action_item, context, preference, fact, risk, note),"
            + " query_memories or search before answering from memory, conversation_chunk for long transcripts, and"
            + " task_command for allow-listed git commands on the user's machine.";

    private final CommandCatalog catalog;
    private final ToolArguments arguments;
    private final McpSessions sessions;
    private final String version;

    public McpServer(CommandCatalog catalog, ToolArguments arguments, McpSessions sessions,
                     @Value("${app.version:1.0.0}") String version) {
        this.catalog = catalog;
        this.arguments = arguments;
        this.sessions = sessions;
        this.version = version;
    }

    /**
     * Reads one message. Everything but tools/call is answered here; for tools/call the body
     * becomes the webhook to accept and the exchange property mcpMethod is "tools/call".
     */
    public void receive(Exchange exchange) {
        String httpMethod = exchange.getMessage().getHeader(Exchange.HTTP_METHOD, String.class);
        String clientId = exchange.getMessage().getHeader("clientId", String.class);
        String sessionId = exchange.getMessage().getHeader(SESSION_HEADER, String.class);
        String protocolHeader = exchange.getMessage().getHeader("MCP-Protocol-Version", String.class);
        exchange.setProperty(METHOD, "");
        if (!sameOrigin(exchange.getMessage().getHeader("Origin", String.class),
                exchange.getMessage().getHeader("Host", String.class))) {
            // MCP over HTTP: a browser page of another site must not reach a local server (DNS rebinding)
            reply(exchange, 403, error(null, -32000, "Forbidden: requests from a web page of another origin are refused."));
            return;
        }
        if ("DELETE".equals(httpMethod)) {
            boolean ended = sessions.end(sessionId, clientId);
            reply(exchange, ended ? 204 : 404, ended ? null : error(null, -32001, "Session not found"));
            return;
        }
        if (!"POST".equals(httpMethod)) {
            reply(exchange, 405, error(null, -32000, "Method not allowed: this server answers POST (no SSE stream)."));
            exchange.getMessage().setHeader("Allow", "POST, DELETE");
            return;
        }
        JsonNode message;
        try {
            message = JSON.readTree(exchange.getMessage().getBody(byte[].class));
        } catch (Exception e) {
            reply(exchange, 400, error(null, -32700, "Parse error: the body is not JSON."));
            return;
        }
        if (message == null || !message.isObject()) {
            reply(exchange, 400, error(null, -32600, "Invalid Request: send one JSON-RPC message (batches are not supported)."));
            return;
        }
        JsonNode id = message.get("id");
        String method = message.path("method").asText(null);
        if (!"2.0".equals(message.path("jsonrpc").asText()) || (method == null && id == null)) {
            reply(exchange, 400, error(id, -32600, "Invalid Request: not a JSON-RPC 2.0 message."));
            return;
        }
        if (protocolHeader != null && !PROTOCOL_VERSIONS.contains(protocolHeader)) {
            reply(exchange, 400, error(id, -32600, "Unsupported MCP-Protocol-Version " + protocolHeader
                    + "; supported: " + String.join(", ", PROTOCOL_VERSIONS)));
            return;
        }
        if ("initialize".equals(method)) {
            initialize(exchange, id, message.path("params"), clientId);
            return;
        }
        if (sessionId == null) {
            reply(exchange, 400, error(id, -32600, "Bad Request: the Mcp-Session-Id header is required after initialize."));
            return;
        }
        if (sessions.find(sessionId, clientId) == null) {
            reply(exchange, 404, error(id, -32001, "Session not found: initialize again."));
            return;
        }
        if (method == null || id == null || id.isNull()) {
            reply(exchange, 202, null); // a notification, or a response to us: accepted, nothing to answer
            return;
        }
        switch (method) {
            case "ping" -> reply(exchange, 200, result(id, JSON.createObjectNode()));
            case "tools/list" -> reply(exchange, 200, result(id, toolList()));
            case "tools/call" -> call(exchange, id, message.path("params"));
            default -> reply(exchange, 200, error(id, -32601, "Method not found: " + method));
        }
    }

    /** No Origin (a desktop or server client), or a web page served by this same host and port. */
    static boolean sameOrigin(String origin, String host) {
        if (origin == null || origin.isBlank()) {
            return true;
        }
        try {
            java.net.URI uri = java.net.URI.create(origin.trim());
            String authority = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
            return host != null && uri.getHost() != null && (authority.equalsIgnoreCase(host)
                    || (uri.getPort() < 0 && host.equalsIgnoreCase(uri.getHost() + ":" + ("https".equals(uri.getScheme()) ? 443 : 80))));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private void initialize(Exchange exchange, JsonNode id, JsonNode params, String clientId) {
        if (id == null || id.isNull()) {
            reply(exchange, 400, error(null, -32600, "Invalid Request: initialize needs an id."));
            return;
        }
        String asked = params.path("protocolVersion").asText("");
        String agreed = PROTOCOL_VERSIONS.contains(asked) ? asked : PROTOCOL_VERSIONS.get(0);
        McpSessions.Session session = sessions.open(clientId, agreed);
        ObjectNode result = JSON.createObjectNode();
        result.put("protocolVersion", agreed);
        result.putObject("capabilities").putObject("tools").put("listChanged", false);
        result.putObject("serverInfo").put("name", "ai-webhook").put("title", "ai-webhook memory and tasks")
                .put("version", version);
        result.put("instructions", INSTRUCTIONS);
        reply(exchange, 200, result(id, result));
        exchange.getMessage().setHeader(SESSION_HEADER, session.id());
    }

    private ObjectNode toolList() {
        ObjectNode result = JSON.createObjectNode();
        ArrayNode tools = result.putArray("tools");
        for (CatalogCommand command : catalog.commands()) {
            ObjectNode tool = tools.addObject();
            tool.put("name", command.name());
            tool.put("description", command.summary());
            tool.set("inputSchema", arguments.schema(command));
        }
        return result;
    }

    private void call(Exchange exchange, JsonNode id, JsonNode params) {
        String name = params.path("name").asText("");
        CatalogCommand command = catalog.named(name).orElse(null);
        if (command == null) {
            reply(exchange, 200, error(id, -32602, "Unknown tool: " + name));
            return;
        }
        JsonNode args = params.get("arguments");
        if (args != null && !args.isNull() && !args.isObject()) {
            reply(exchange, 200, error(id, -32602, "Invalid params: arguments must be an object."));
            return;
        }
        ObjectNode given = args == null || args.isNull() ? JSON.createObjectNode() : (ObjectNode) args;
        exchange.setProperty(METHOD, "tools/call");
        exchange.setProperty(ID, id);
        exchange.setProperty(TOOL, command.name());
        String clientId = exchange.getMessage().getHeader("clientId", String.class);
        exchange.getMessage().getHeaders().clear();
        exchange.getMessage().setHeader("clientId", clientId);
        exchange.getMessage().setBody(command.webhook(given).toString().getBytes(StandardCharsets.UTF_8));
    }

    /** After the intake: its reply (the command's result, or 202 still processing) as a tool result. */
    public void toolResult(Exchange exchange) throws Exception {
        JsonNode reply = JSON.readTree(exchange.getMessage().getBody(String.class));
        ObjectNode structured = reply.isObject() ? (ObjectNode) reply : JSON.createObjectNode();
        String status = structured.path("status").asText();
        String text;
        boolean isError = false;
        if ("error".equals(status)) {
            isError = true;
            text = structured.path("message").asText() + " (" + structured.path("error").path("code").asText()
                    + (structured.path("error").hasNonNull("field") ? ", field " + structured.path("error").path("field").asText() : "")
                    + ")";
        } else if ("success".equals(status)) {
            text = structured.toString();
        } else {
            text = "Accepted and still running; call again later or read " + structured.path("status_url").asText()
                    + " (webhook " + structured.path("id").asText() + ").";
        }
        toolReply(exchange, text, structured, isError);
    }

    /** The intake refused the call (a bad argument): a tool error with the spec's message. */
    public void toolRejected(Exchange exchange) {
        RejectedRequest rejected = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, RejectedRequest.class);
        ObjectNode structured = JSON.createObjectNode();
        structured.put("status", "error");
        structured.put("command", exchange.getProperty(TOOL, String.class));
        structured.put("message", rejected.getMessage());
        ObjectNode error = structured.putObject("error");
        error.put("code", rejected.code());
        error.put("field", rejected.field());
        toolReply(exchange, rejected.getMessage() + " (" + rejected.code() + ")", structured, true);
    }

    private void toolReply(Exchange exchange, String text, ObjectNode structured, boolean isError) {
        ObjectNode result = JSON.createObjectNode();
        result.putArray("content").addObject().put("type", "text").put("text", text);
        result.set("structuredContent", structured);
        result.put("isError", isError);
        reply(exchange, 200, result(exchange.getProperty(ID, JsonNode.class), result));
    }

    private static ObjectNode result(JsonNode id, JsonNode result) {
        ObjectNode message = JSON.createObjectNode();
        message.put("jsonrpc", "2.0");
        message.set("id", id);
        message.set("result", result);
        return message;
    }

    private static ObjectNode error(JsonNode id, int code, String text) {
        ObjectNode message = JSON.createObjectNode();
        message.put("jsonrpc", "2.0");
        message.set("id", id == null ? JSON.nullNode() : id);
        message.putObject("error").put("code", code).put("message", text);
        return message;
    }

    private static void reply(Exchange exchange, int status, JsonNode body) {
        exchange.getMessage().getHeaders().clear();
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        if (body != null) {
            exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
            RelayReplies.setJson(exchange.getMessage(), body.toString());
        } else {
            exchange.getMessage().setBody("");
        }
    }
}
