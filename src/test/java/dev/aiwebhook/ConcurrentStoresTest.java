package dev.aiwebhook;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stores without a key, from many clients at once into one session: each gets its own
 * {@code <type>_<n>}, none overwrites another. store_memory.sql locks the session in the statement
 * that inserts, so the next n must be read after that lock is granted (V8).
 */
class ConcurrentStoresTest extends AppTestSupport {

    private static final int CLIENTS = 8;
    private static final int EACH = 25;

    @Test
    void unkeyedStoresFromEightClientsIntoOneSessionEachGetTheirOwnKey() throws Exception {
        String s = "concurrent-keys-" + System.nanoTime();
        client.command("create_session", s, Map.of("title", "one session, many writers"));

        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        List<Future<List<TestClient.Reply>>> futures = new ArrayList<>();
        try {
            for (int c = 0; c < CLIENTS; c++) {
                int clientNo = c;
                Callable<List<TestClient.Reply>> writer = () -> {
                    List<TestClient.Reply> replies = new ArrayList<>();
                    for (int i = 0; i < EACH; i++) {
                        replies.add(client.command("store_memory", s,
                                Map.of("type", "note", "content", "client " + clientNo + " note " + i)));
                    }
                    return replies;
                };
                futures.add(pool.submit(writer));
            }
            Set<String> keys = new HashSet<>();
            for (Future<List<TestClient.Reply>> f : futures) {
                for (TestClient.Reply reply : f.get()) {
                    assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
                    assertThat(reply.data().path("action").asText()).as(reply.toString()).isEqualTo("created");
                    keys.add(reply.data().path("key").asText());
                }
            }
            int total = CLIENTS * EACH;
            assertThat(keys).hasSize(total);
            for (int n = 1; n <= total; n++) {
                assertThat(keys).contains("note_" + n);
            }
        } finally {
            pool.shutdownNow();
        }
        int total = CLIENTS * EACH;
        assertThat(count("SELECT count(*) FROM memories WHERE session_id = ?", s)).isEqualTo(total);
        assertThat(count("SELECT count(*) FROM memories WHERE session_id = ? AND version = 1", s)).isEqualTo(total);
        assertThat(count("SELECT memory_count FROM sessions WHERE session_id = ?", s)).isEqualTo(total);
        assertThat(count("SELECT count(*) FROM memory_versions WHERE session_id = ?", s)).isZero();
    }

    @Test
    void aStoreIntoAMissingSessionStoresNothing() {
        String s = "concurrent-missing-" + System.nanoTime();
        var reply = client.command("store_memory", s, Map.of("type", "idea", "content", "nowhere"));
        assertThat(reply.status()).as(reply.toString()).isEqualTo(404);
        assertThat(reply.code()).isEqualTo("session_not_found");
        assertThat(reply.field()).isEqualTo("session_id");
        assertThat(reply.body().path("message").asText()).contains("No session '" + s + "'");
        assertThat(count("SELECT count(*) FROM memories WHERE session_id = ?", s)).isZero();
    }
}
