package dev.aiwebhook;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import dev.aiwebhook.catalog.CatalogCommand;
import dev.aiwebhook.catalog.CommandCatalog;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * GET /openapi.json is a valid OpenAPI 3.1 document with one operation per command (what a GPT
 * Action calls), and each operation's example matches its schema and runs for real.
 */
class OpenApiTest extends AppTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonSchemaFactory SCHEMAS = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

    @Autowired
    CommandCatalog catalog;

    private JsonNode document() {
        var reply = client.get("/openapi.json", Map.of("X-API-Key", TestClient.API_KEY));
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        return reply.body();
    }

    @Test
    void isAValidOpenApi31DocumentWithAnOperationPerCommand() {
        JsonNode doc = document();
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(doc.toString(), null, options);
        assertThat(parsed.getMessages()).as("parser messages").isEmpty();
        assertThat(parsed.getOpenAPI().getOpenapi()).isEqualTo("3.1.0");
        assertThat(parsed.getOpenAPI().getServers().get(0).getUrl()).isEqualTo("http://localhost:" + port);
        assertThat(parsed.getOpenAPI().getComponents().getSecuritySchemes()).containsKeys("apiKey", "bearer");

        List<String> operationIds = new ArrayList<>();
        parsed.getOpenAPI().getPaths().values().forEach(path -> path.readOperations()
                .forEach(op -> operationIds.add(op.getOperationId())));
        assertThat(operationIds).doesNotHaveDuplicates().contains("sendWebhook", "getWebhook");
        assertThat(operationIds).containsAll(CommandCatalogTest.SPEC_COMMANDS.stream()
                .filter(c -> !c.equals("append_conversation")).toList());
        assertThat(operationIds).contains("task_command");
        for (CatalogCommand command : catalog.commands()) {
            assertThat(doc.at("/paths/~1commands~1" + command.name() + "/post/operationId").asText()).isEqualTo(command.name());
            assertThat(doc.at("/paths/~1commands~1" + command.name() + "/post/requestBody/content/application~1json/schema")
                    .isObject()).isTrue();
            assertThat(doc.at("/paths/~1commands~1" + command.name() + "/post/responses/200/content/application~1json/schema")
                    .isObject()).isTrue();
        }
    }

    @Test
    void theDocumentNeedsTheKey() {
        assertThat(client.get("/openapi.json", Map.of()).status()).isEqualTo(401);
    }

    /** Each operation's example: valid against its request schema, and accepted for real. */
    @Test
    void everyOperationsExampleMatchesItsSchemaAndRuns() throws Exception {
        JsonNode doc = document();
        CommandCatalogTest.ExampleIds ids = new CommandCatalogTest.ExampleIds();
        for (CatalogCommand command : catalog.commands()) {
            JsonNode media = doc.at("/paths/~1commands~1" + command.name() + "/post/requestBody/content/application~1json");
            JsonNode example = ids.apply((ObjectNode) media.get("example"));
            Set<ValidationMessage> problems = schema(doc, media.get("schema")).validate(example);
            assertThat(problems).as(command.name() + " example " + example).isEmpty();

            var reply = client.post("/commands/" + command.name(), example.toString(), Map.of("X-API-Key", TestClient.API_KEY));
            assertThat(reply.status()).as(command.name() + ": " + reply).isEqualTo(200);
            assertThat(reply.body().path("status").asText()).isEqualTo("success");
            JsonNode resultSchema = doc.at("/paths/~1commands~1" + command.name() + "/post/responses/200/content/application~1json/schema");
            assertThat(schema(doc, resultSchema).validate(reply.body())).as(command.name() + " result " + reply).isEmpty();
        }
        assertCountersMatchRows(ids.session);
    }

    @Test
    void aCommandCallIsAWebhookWithItsStatusAndErrors() {
        String s = "openapi-" + System.nanoTime();
        var created = client.post("/commands/create_session", "{\"session_id\":\"" + s + "\",\"title\":\"via actions\"}",
                Map.of("X-API-Key", TestClient.API_KEY));
        assertThat(created.status()).as(created.toString()).isEqualTo(200);
        var status = client.get("/webhook/" + created.body().path("id").asText(), Map.of("X-API-Key", TestClient.API_KEY));
        assertThat(status.body().path("status").asText()).isEqualTo("completed");

        var missing = client.post("/commands/store_memory", "{\"session_id\":\"" + s + "\",\"type\":\"idea\"}",
                Map.of("X-API-Key", TestClient.API_KEY));
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.field()).isEqualTo("data.content");
        var unknown = client.post("/commands/fly_away", "{}", Map.of("X-API-Key", TestClient.API_KEY));
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.code()).isEqualTo("unknown_command");
        var notJson = client.post("/commands/list_agents", "{oops", Map.of("X-API-Key", TestClient.API_KEY));
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.code()).isEqualTo("invalid_json");
        assertThat(client.post("/commands/list_agents", "{}", Map.of()).status()).isEqualTo(401);
        var async = client.post("/commands/list_agents?wait=0", "{}", Map.of("X-API-Key", TestClient.API_KEY));
        assertThat(async.status()).isEqualTo(202);
        assertThat(count("SELECT count(*) FROM memories WHERE session_id = ?", s)).isZero();
    }

    /** A schema of the document, its component references resolvable (as $defs). */
    private static com.networknt.schema.JsonSchema schema(JsonNode doc, JsonNode schema) throws Exception {
        String text = schema.toString().replace("#/components/schemas/", "#/$defs/");
        ObjectNode root = (ObjectNode) JSON.readTree(text);
        root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        root.set("$defs", JSON.readTree(doc.at("/components/schemas").toString().replace("#/components/schemas/", "#/$defs/")));
        return SCHEMAS.getSchema(root);
    }
}
