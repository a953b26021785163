package dev.aiwebhook;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;

import dev.aiwebhook.assistants.LlmInstructions;
import dev.aiwebhook.catalog.CatalogCommand;
import dev.aiwebhook.catalog.CommandCatalog;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * GET /llm-instructions: three tiers within their character limits, the relay's URL filled in,
 * the key a placeholder, and every example line a payload the app accepts.
 */
class LlmInstructionsTest extends AppTestSupport {

    static final Set<String> REFUSED_AS_INVALID = Set.of("invalid_json", "unknown_type", "unknown_command",
            "missing_field", "invalid_field");
    private static final Pattern EXAMPLE = Pattern.compile("(?m)^([a-z_]+) (\\{.*\\})$");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Autowired
    CommandCatalog catalog;
    @Autowired
    LlmInstructions instructions;

    private String tier(String tier) {
        var reply = client.get("/llm-instructions?tier=" + tier, Map.of("X-API-Key", TestClient.API_KEY));
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        assertThat(reply.raw().headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        return reply.raw().body();
    }

    @ParameterizedTest
    @ValueSource(strings = {"full", "medium", "minimal"})
    void eachTierFitsItsLimitAndEveryExampleIsAccepted(String tier) throws Exception {
        String text = tier(tier);
        assertThat(text.length()).as(tier + " length").isLessThanOrEqualTo(LlmInstructions.limit(tier));
        assertThat(text).contains("http://localhost:" + port + "/webhook").contains(LlmInstructions.KEY_PLACEHOLDER)
                .doesNotContain(TestClient.API_KEY);

        Matcher m = EXAMPLE.matcher(text);
        List<String> shown = new ArrayList<>();
        CommandCatalogTest.ExampleIds ids = new CommandCatalogTest.ExampleIds();
        while (m.find()) {
            CatalogCommand command = catalog.named(m.group(1)).orElseThrow(() -> new AssertionError("not a command: " + m.group()));
            shown.add(command.name());
            ObjectNode payload = JSON.createObjectNode();
            payload.put("type", command.webhookType());
            if (!command.isTask()) {
                payload.put("command", command.name());
            }
            payload.put("sync", true);
            payload.set("data", JSON.readTree(m.group(2)));
            var reply = client.webhook(ids.apply(payload).toString());
            assertThat(reply.status()).as(tier + " " + command.name() + ": " + reply).isLessThan(500);
            assertThat(reply.code()).as(tier + " " + command.name() + ": " + reply).isNotIn(REFUSED_AS_INVALID);
        }
        List<String> expected = catalog.commands().stream().filter(c -> c.inTier(tier)).map(CatalogCommand::name).toList();
        assertThat(shown).containsExactlyElementsOf(expected);
        if (tier.equals("full")) {
            assertThat(shown).hasSize(catalog.commands().size());
        }
    }

    @Test
    void theMinimalTierStoresAndQueriesMemoriesAndRunsGitStatus() {
        String text = tier("minimal");
        assertThat(text).contains("store_memory {").contains("query_memories {")
                .contains("task_command {").contains("[\"git\",\"status\"]");
    }

    @Test
    void anUnknownTierIsRefusedByName() {
        var reply = client.get("/llm-instructions?tier=huge", Map.of("X-API-Key", TestClient.API_KEY));
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.field()).isEqualTo("tier");
        assertThat(client.get("/llm-instructions", Map.of()).status()).isEqualTo(401);
    }

    /** docs/llm-instructions-<tier>.txt are the tiers for a relay on localhost:8080. */
    @ParameterizedTest
    @ValueSource(strings = {"full", "medium", "minimal"})
    void theDocsFilesAreTheTiers(String tier) throws Exception {
        CatalogDocsTest.assertDocument(Path.of("docs/llm-instructions-" + tier + ".txt"),
                instructions.text(tier, "http://localhost:8080"));
        assertThat(Files.readString(Path.of("docs/llm-instructions-" + tier + ".txt"))).hasSizeLessThanOrEqualTo(
                LlmInstructions.limit(tier));
    }
}
