package dev.aiwebhook;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import dev.aiwebhook.catalog.CatalogCommand;
import dev.aiwebhook.catalog.CommandCatalog;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * POST /mcp, driven the way an MCP client (Claude Desktop through mcp-remote, Claude Code)
 * does: initialize, notifications/initialized, tools/list, tools/call, ping, DELETE.
 */
class McpTest extends AppTestSupport {

    @Autowired
    CommandCatalog catalog;

    /** One MCP client session over the real port. */
    private final class Mcp {
        final String key;
        String session;
        String protocol;
        int nextId = 1;

        Mcp(String key) {
            this.key = key;
        }

        Map<String, String> headers() {
            Map<String, String> h = new HashMap<>(Map.of("Authorization", "Bearer " + key,
                    "Accept", "application/json, text/event-stream", "Content-Type", "application/json"));
            if (session != null) {
                h.put("Mcp-Session-Id", session);
            }
            if (protocol != null) {
                h.put("MCP-Protocol-Version", protocol);
            }
            return h;
        }

        TestClient.Reply send(String method, Object params) {
            Map<String, Object> message = new HashMap<>(Map.of("jsonrpc", "2.0", "id", nextId++, "method", method));
            if (params != null) {
                message.put("params", params);
            }
            return client.post("/mcp", TestClient.json(message), headers());
        }

        TestClient.Reply notify(String method) {
            return client.post("/mcp", TestClient.json(Map.of("jsonrpc", "2.0", "method", method)), headers());
        }

        JsonNode initialize(String version) {
            var reply = send("initialize", Map.of("protocolVersion", version, "capabilities", Map.of(),
                    "clientInfo", Map.of("name", "test-client", "version", "1.0")));
            assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
            session = reply.raw().headers().firstValue("Mcp-Session-Id").orElseThrow();
            protocol = reply.body().at("/result/protocolVersion").asText();
            assertThat(notify("notifications/initialized").status()).isEqualTo(202);
            return reply.body().get("result");
        }

        JsonNode call(String tool, Map<String, ?> arguments) {
            var reply = send("tools/call", Map.of("name", tool, "arguments", arguments));
            assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
            assertThat(reply.body().has("error")).as(reply.toString()).isFalse();
            return reply.body().get("result");
        }
    }

    @Test
    void aClientSessionFromInitializeToToolCalls() {
        Mcp mcp = new Mcp(TestClient.API_KEY);
        JsonNode init = mcp.initialize("2025-06-18");
        assertThat(init.path("protocolVersion").asText()).isEqualTo("2025-06-18");
        assertThat(init.at("/capabilities/tools").isObject()).isTrue();
        assertThat(init.at("/serverInfo/name").asText()).isEqualTo("ai-webhook");

        JsonNode tools = mcp.send("tools/list", Map.of()).body().at("/result/tools");
        List<String> names = new java.util.ArrayList<>();
        tools.forEach(t -> names.add(t.path("name").asText()));
        assertThat(names).containsExactlyElementsOf(
                catalog.commands().stream().map(CatalogCommand::name).toList());
        var schemas = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        for (JsonNode tool : tools) {
            assertThat(tool.path("description").asText()).isNotBlank().doesNotContain("\n");
            assertThat(tool.at("/inputSchema/type").asText()).isEqualTo("object");
            // the tool's own example arguments satisfy its input schema
            JsonNode example = catalog.named(tool.path("name").asText()).orElseThrow().exampleArguments();
            assertThat(schemas.getSchema(tool.get("inputSchema")).validate(example)).as(tool.path("name").asText()).isEmpty();
        }
        JsonNode store = tools.get(names.indexOf("store_memory"));
        assertThat(store.at("/inputSchema/required").toString()).contains("session_id", "type", "content");

        String s = "mcp-" + System.nanoTime();
        JsonNode created = mcp.call("create_session", Map.of("session_id", s, "title", "MCP study"));
        assertThat(created.path("isError").asBoolean()).isFalse();
        assertThat(created.at("/structuredContent/data/session_id").asText()).isEqualTo(s);
        JsonNode stored = mcp.call("store_memory", Map.of("session_id", s, "type", "fact",
                "content", "MCP tools are described by JSON Schema", "tags", List.of("mcp")));
        assertThat(stored.at("/structuredContent/data/version").asInt()).isEqualTo(1);
        assertThat(stored.at("/content/0/type").asText()).isEqualTo("text");
        assertThat(stored.at("/content/0/text").asText()).contains("\"status\":\"success\"");

        JsonNode facts = mcp.call("query_memories", Map.of("session_id", s, "type", "fact"));
        assertThat(facts.at("/structuredContent/data/memories/0/content").asText()).contains("JSON Schema");
        assertThat(count("SELECT count(*) FROM memories WHERE session_id = ?", s)).isEqualTo(1);
        // every call was a webhook of this key, stored and completed
        assertThat(count("SELECT count(*) FROM relay_webhooks WHERE payload->>'session_id' = ? AND status = 'completed'", s))
                .isEqualTo(3);

        assertThat(mcp.send("ping", null).body().path("result").isObject()).isTrue();
        var ended = client.request("DELETE", "/mcp", null, mcp.headers());
        assertThat(ended.status()).isEqualTo(204);
        assertThat(mcp.send("tools/list", Map.of()).status()).isEqualTo(404);
    }

    @Test
    void commandFailuresAreToolErrorsWithTheSpecsMessage() {
        Mcp mcp = new Mcp(TestClient.API_KEY);
        mcp.initialize("2025-03-26");
        String s = "mcp-err-" + System.nanoTime();
        mcp.call("create_session", Map.of("session_id", s, "title", "errors"));

        JsonNode notFound = mcp.call("retrieve_memory", Map.of("session_id", s, "key", "nothing_here"));
        assertThat(notFound.path("isError").asBoolean()).isTrue();
        assertThat(notFound.at("/structuredContent/error/code").asText()).isEqualTo("memory_not_found");
        assertThat(notFound.at("/content/0/text").asText()).contains("memory_not_found");

        JsonNode missing = mcp.call("store_memory", Map.of("session_id", s, "type", "idea"));
        assertThat(missing.path("isError").asBoolean()).isTrue();
        assertThat(missing.at("/structuredContent/error/field").asText()).isEqualTo("data.content");

        JsonNode nul = mcp.call("store_memory", Map.of("session_id", s, "type", "idea", "content", "a\u0000b"));
        assertThat(nul.path("isError").asBoolean()).isTrue();
        assertThat(nul.at("/structuredContent/error/code").asText()).isEqualTo("invalid_field");
        assertThat(count("SELECT count(*) FROM memories WHERE session_id = ?", s)).isZero();

        var unknownTool = mcp.send("tools/call", Map.of("name", "fly_away", "arguments", Map.of()));
        assertThat(unknownTool.body().at("/error/code").asInt()).isEqualTo(-32602);
        var unknownMethod = mcp.send("resources/list", Map.of());
        assertThat(unknownMethod.body().at("/error/code").asInt()).isEqualTo(-32601);
    }

    @Test
    void versionsSessionsAndCredentialsAreChecked() {
        Mcp mcp = new Mcp(TestClient.API_KEY);
        assertThat(mcp.initialize("1999-01-01").path("protocolVersion").asText()).isEqualTo("2025-06-18");

        Mcp noSession = new Mcp(TestClient.API_KEY);
        assertThat(noSession.send("tools/list", Map.of()).status()).isEqualTo(400);
        Mcp otherKey = new Mcp(TestClient.OTHER_KEY);
        otherKey.session = mcp.session;
        assertThat(otherKey.send("tools/list", Map.of()).status()).isEqualTo(404);
        Mcp badVersion = new Mcp(TestClient.API_KEY);
        badVersion.session = mcp.session;
        badVersion.protocol = "1999-01-01";
        assertThat(badVersion.send("tools/list", Map.of()).status()).isEqualTo(400);

        assertThat(client.post("/mcp", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\"}", Map.of()).status())
                .isEqualTo(401);
        assertThat(client.post("/mcp", "not json", mcp.headers()).body().at("/error/code").asInt()).isEqualTo(-32700);
        assertThat(client.request("GET", "/mcp", null, mcp.headers()).status()).isEqualTo(405);

        // a web page of another origin is refused (DNS rebinding), even with the key; this host's own is not
        Map<String, String> foreign = new HashMap<>(mcp.headers());
        foreign.put("Origin", "http://evil.example");
        assertThat(client.post("/mcp", "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"ping\"}", foreign).status()).isEqualTo(403);
        Map<String, String> own = new HashMap<>(mcp.headers());
        own.put("Origin", "http://localhost:" + port);
        assertThat(client.post("/mcp", "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"ping\"}", own).status()).isEqualTo(200);
    }
}
