package dev.aiwebhook;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/** Every payload in examples/ is posted, in an order a person would follow, and succeeds. */
@AppTest
class ExamplesTest {

    /** The order matters (create before store, pause before resume); every file must be listed. */
    static final List<String> ORDER = List.of(
            "session_create", "memory_store_idea", "memory_store_decision", "memory_store_question",
            "memory_store_action_item", "memory_query", "memory_retrieve", "memory_list", "session_list",
            "session_summary", "session_pause", "session_resume", "batch_session_setup", "list_agents", "git_status",
            "session_complete", "memory_delete");

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate db;

    @Test
    void everyExampleSucceeds() throws IOException {
        List<String> files;
        try (Stream<Path> list = Files.list(Path.of("examples"))) {
            files = list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - 5)).sorted().toList();
        }
        assertThat(ORDER).containsExactlyInAnyOrderElementsOf(files);
        // the examples use fixed session ids: start from a database without them
        db.update("DELETE FROM sessions WHERE session_id IN ('carbon-tracking-feature', 'code-review-auth-module')");

        TestClient client = new TestClient(port);
        for (String name : ORDER) {
            String body = Files.readString(Path.of("examples", name + ".json"));
            var reply = client.post("/webhook", body, Map.of("X-API-Key", TestClient.API_KEY));
            assertThat(reply.status()).as(name + ": " + reply).isEqualTo(200);
            assertThat(reply.body().path("status").asText()).as(name).isEqualTo("success");
        }
        assertThat(db.queryForObject("SELECT memory_count FROM sessions WHERE session_id = 'carbon-tracking-feature'",
                Integer.class)).isEqualTo(3);
        assertThat(db.queryForObject("SELECT memory_count FROM sessions WHERE session_id = 'code-review-auth-module'",
                Integer.class)).isEqualTo(4);
        assertThat(db.queryForObject("SELECT status FROM sessions WHERE session_id = 'code-review-auth-module'",
                String.class)).isEqualTo("completed");
    }
}
