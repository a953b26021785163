package dev.aiwebhook;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;

import dev.aiwebhook.catalog.CatalogCommand;
import dev.aiwebhook.catalog.CommandCatalog;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * catalog/commands.yaml is the one description of the commands: it names every command of
 * SPEC §4, its examples run, and the worker enforces its schemas (a wrong type or a missing
 * required field of any command is refused by name).
 */
class CommandCatalogTest extends AppTestSupport {

    static final List<String> SPEC_COMMANDS = List.of("create_session", "resume_session", "pause_session",
            "complete_session", "list_sessions", "get_session_summary", "store_memory", "retrieve_memory",
            "query_memories", "list_memories", "delete_memory", "conversation_chunk", "append_conversation", "search",
            "delegate_task", "get_task", "list_tasks", "add_artifact", "get_artifact", "list_artifacts", "list_agents",
            "batch");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CommandCatalog CATALOG = load();

    @Autowired
    CommandCatalog catalog;

    private static CommandCatalog load() {
        try {
            return new CommandCatalog();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void everyCommandOfTheSpecIsDescribed() {
        for (String name : SPEC_COMMANDS) {
            assertThat(catalog.find(CommandCatalog.SESSION_COMMAND, name)).as(name).isPresent();
        }
        assertThat(catalog.find(CommandCatalog.TASK_COMMAND, CommandCatalog.TASK_COMMAND)).isPresent();
        assertThat(catalog.memoryTypes()).extracting(CommandCatalog.MemoryType::name).containsExactlyInAnyOrder(
                "idea", "decision", "question", "action_item", "context", "preference", "fact", "risk", "note");
    }

    /** The catalog's examples, in its order, on a fresh session: every one succeeds. */
    @Test
    void everyExampleRunsInOrder() throws Exception {
        ExampleIds ids = new ExampleIds();
        for (CatalogCommand command : catalog.commands()) {
            var reply = client.webhook(ids.apply(command.examplePayload()).toString());
            assertThat(reply.status()).as(command.name() + ": " + reply).isEqualTo(200);
            assertThat(reply.body().path("status").asText()).isEqualTo("success");
        }
        assertCountersMatchRows(ids.session);
    }

    static Stream<Arguments> everyTypedField() {
        List<Arguments> cases = new ArrayList<>();
        for (CatalogCommand command : CATALOG.commands()) {
            command.data().path("properties").properties().forEach(p -> {
                if (p.getValue().has("type")) {
                    cases.add(Arguments.of(command.name(), p.getKey(), wrongValueFor(p.getValue().get("type"))));
                }
            });
        }
        return cases.stream();
    }

    /** A value of none of the allowed JSON types. */
    private static JsonNode wrongValueFor(JsonNode type) {
        String types = type.toString();
        return types.contains("integer") || types.contains("number") ? TextNode.valueOf("ten") : IntNode.valueOf(12345);
    }

    @ParameterizedTest(name = "{0} data.{1} = {2}")
    @MethodSource("everyTypedField")
    void aWrongTypeIsRefusedByName(String name, String field, JsonNode wrong) {
        CatalogCommand command = catalog.named(name).orElseThrow();
        ObjectNode payload = command.examplePayload();
        ((ObjectNode) payload.with("data")).set(field, wrong);
        var reply = client.webhook(payload.toString());
        assertThat(reply.status()).as(reply.toString()).isEqualTo(400);
        assertThat(reply.code()).isEqualTo("invalid_field");
        assertThat(reply.field()).isEqualTo("data." + field);
    }

    static Stream<Arguments> everyRequiredField() {
        List<Arguments> cases = new ArrayList<>();
        for (CatalogCommand command : CATALOG.commands()) {
            command.data().path("required").forEach(r -> cases.add(Arguments.of(command.name(), r.asText())));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} without data.{1}")
    @MethodSource("everyRequiredField")
    void aMissingRequiredFieldIsRefusedByName(String name, String field) {
        CatalogCommand command = catalog.named(name).orElseThrow();
        ObjectNode payload = command.examplePayload();
        ((ObjectNode) payload.get("data")).remove(field);
        int sessionsBefore = count("SELECT count(*) FROM sessions");
        var reply = client.webhook(payload.toString());
        assertThat(reply.status()).as(reply.toString()).isEqualTo(400);
        assertThat(reply.code()).isEqualTo("missing_field");
        assertThat(reply.field()).isEqualTo("data." + field);
        assertThat(count("SELECT count(*) FROM sessions")).isEqualTo(sessionsBefore);
    }

    /**
     * The ids the catalog's examples use, made unique to one run (the test database is shared
     * and kept between local runs), and the task example pointed at the test's repository.
     */
    static final class ExampleIds {
        final String run = Long.toString(System.nanoTime(), 36);
        final String session = "auth-design-" + run;

        ObjectNode apply(ObjectNode payload) throws Exception {
            String text = payload.toString()
                    .replace("\"auth-design\"", "\"" + session + "\"")
                    .replace("\"auth-adr\"", "\"auth-adr-" + run + "\"")
                    .replace("\"report-1\"", "\"report-" + run + "\"")
                    .replace("\"/home/me/project\"", JSON.writeValueAsString(TaskRepository.ensure().toString()));
            return (ObjectNode) JSON.readTree(text);
        }
    }
}
