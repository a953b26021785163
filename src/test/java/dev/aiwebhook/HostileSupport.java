package dev.aiwebhook;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Shared checks of the hostile-input corpus (issue #5): a rejection has the spec's error shape,
 * names no Java class, and leaves nothing behind.
 */
abstract class HostileSupport extends AppTestSupport {

    /** Tables a command writes to: a rejected command leaves every count as it was. */
    static final List<String> EFFECT_TABLES = List.of(
            "sessions", "memories", "memory_versions", "conversation_chunks", "tasks", "artifacts");
    static final Map<String, String> KEY = Map.of("X-API-Key", TestClient.API_KEY);

    int queued() {
        return count("SELECT count(*) FROM relay_webhooks");
    }

    Map<String, Integer> effects() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String table : EFFECT_TABLES) {
            counts.put(table, count("SELECT count(*) FROM " + table));
        }
        return counts;
    }

    /** The error shape of SPEC §4, with a human message that leaks no stack trace. */
    static void assertError(TestClient.Reply reply, int status, String code, String field) {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(status);
        assertThat(reply.body().path("status").asText()).as(reply.toString()).isEqualTo("error");
        assertThat(reply.code()).as(reply.toString()).isEqualTo(code);
        assertThat(reply.field()).as(reply.toString()).isEqualTo(field);
        assertThat(reply.body().path("message").asText()).as(reply.toString()).isNotBlank()
                .doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("org.");
    }

    /** Posts the raw bytes to /webhook; 400-class rejection at the door, nothing queued. */
    TestClient.Reply postRaw(byte[] body) {
        return client.postBytes("/webhook", body, KEY);
    }

    static String repeat(char c, int n) {
        return String.valueOf(c).repeat(n);
    }
}
