package dev.aiwebhook;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded default keeps its data under DATA_DIR: stop the app, start it again, and every
 * session and memory is still there; so is the generated API key.
 */
class RestartTest {

    private static ConfigurableApplicationContext start(Path dataDir, String textSearchConfig) {
        return new SpringApplicationBuilder(Application.class).run(
                "--app.data-dir=" + dataDir, "--server.port=0", "--camel.main.name=restart-test",
                "--app.worker.claim-wait=1s", "--app.search.text-config=" + textSearchConfig);
    }

    private static TestClient client(ConfigurableApplicationContext ctx) {
        return new TestClient(((WebServerApplicationContext) ctx).getWebServer().getPort());
    }

    private static TestClient.Reply command(TestClient client, String key, String command, Map<String, ?> data) {
        return client.post("/webhook", TestClient.json(Map.of("type", "collaborative_session_command",
                "command", command, "session_id", "restart-session", "sync", true, "data", data)), Map.of("X-API-Key", key));
    }

    private static int hits(TestClient.Reply reply) {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        return reply.data().path("count").asInt();
    }

    @Test
    void sessionsMemoriesAndTheGeneratedKeySurviveARestart() throws Exception {
        Path dataDir = Files.createTempDirectory(Path.of("target"), "restart-");
        String key;
        try (ConfigurableApplicationContext first = start(dataDir, "english")) {
            key = Files.readAllLines(dataDir.resolve("secrets.properties")).stream()
                    .filter(l -> l.startsWith("api_key=")).findFirst().orElseThrow().substring("api_key=".length());
            TestClient client = client(first);
            assertThat(command(client, key, "create_session", Map.of("title", "before restart")).status()).isEqualTo(200);
            assertThat(command(client, key, "store_memory",
                    Map.of("type", "decision", "key", "kept", "content", "survives")).status()).isEqualTo(200);
            assertThat(hits(command(client, key, "search", Map.of("query", "survive")))).isEqualTo(1);
        }
        // restarted with TEXT_SEARCH_CONFIG=simple: the stored vectors are re-saved without stemming
        try (ConfigurableApplicationContext second = start(dataDir, "simple")) {
            TestClient client = client(second);
            var memory = command(client, key, "retrieve_memory", Map.of("key", "kept"));
            assertThat(memory.status()).as(memory.toString()).isEqualTo(200);
            assertThat(memory.data().path("memory").path("content").asText()).isEqualTo("survives");
            var summary = command(client, key, "get_session_summary", Map.of());
            assertThat(summary.data().path("title").asText()).isEqualTo("before restart");
            assertThat(summary.data().path("stats").path("memories").asInt()).isEqualTo(1);
            assertThat(hits(command(client, key, "search", Map.of("query", "survive")))).isZero();
            assertThat(hits(command(client, key, "search", Map.of("query", "survives")))).isEqualTo(1);
            // re-saving a vector is not an edit: no new version, no history row
            assertThat(memory.data().path("memory").path("version").asInt()).isEqualTo(1);
            assertThat(command(client, key, "memory_history", Map.of("key", "kept")).data().path("versions").size())
                    .isEqualTo(1);
        }
    }
}
