package dev.aiwebhook;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stores without a key, from several clients at once into one session: each gets its own
 * {@code <type>_<n>}, none overwrites another. store_memory.sql locks the session in the statement
 * that inserts, so the next n must be read after that lock is granted (V8).
 */
class ConcurrentStoresTest extends AppTestSupport {

    private static final int CLIENTS = 8;
    private static final int EACH = 25;

    /** Deterministic: both stores are made to wait for the session's lock before either runs. */
    @Test
    void twoUnkeyedStoresThatWaitedForTheSessionGetTheNextTwoKeys() throws Exception {
        String s = newSession("concurrent-wait");
        assertThat(store(s, "before").data().path("key").asText()).isEqualTo("note_1");

        CompletableFuture<TestClient.Reply> first;
        CompletableFuture<TestClient.Reply> second;
        try (Connection lock = lockSession(s)) {
            first = CompletableFuture.supplyAsync(() -> store(s, "first"));
            second = CompletableFuture.supplyAsync(() -> store(s, "second"));
            // both statements have begun, with their snapshots, and wait for the lock held here
            awaitBackendsWaitingForASession(2);
            lock.commit();
        }
        Set<String> keys = new HashSet<>();
        for (TestClient.Reply reply : List.of(first.get(30, TimeUnit.SECONDS), second.get(30, TimeUnit.SECONDS))) {
            assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
            assertThat(reply.data().path("action").asText()).as(reply.toString()).isEqualTo("created");
            keys.add(reply.data().path("key").asText());
        }
        assertThat(keys).containsExactlyInAnyOrder("note_2", "note_3");
        assertThat(count("SELECT count(*) FROM memories WHERE session_id = ?", s)).isEqualTo(3);
        assertThat(count("SELECT count(*) FROM memory_versions WHERE session_id = ?", s)).isZero();
    }

    @Test
    void unkeyedStoresFromEightClientsIntoOneSessionEachGetTheirOwnKey() throws Exception {
        String s = newSession("concurrent-keys");
        int total = CLIENTS * EACH;
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        Set<String> keys = new HashSet<>();
        try {
            List<Future<List<TestClient.Reply>>> futures = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int clientNo = c;
                Callable<List<TestClient.Reply>> writer = () -> {
                    List<TestClient.Reply> replies = new ArrayList<>();
                    for (int i = 0; i < EACH; i++) {
                        replies.add(store(s, "client " + clientNo + " note " + i));
                    }
                    return replies;
                };
                futures.add(pool.submit(writer));
            }
            for (Future<List<TestClient.Reply>> f : futures) {
                for (TestClient.Reply reply : f.get(120, TimeUnit.SECONDS)) {
                    assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
                    assertThat(reply.data().path("action").asText()).as(reply.toString()).isEqualTo("created");
                    keys.add(reply.data().path("key").asText());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(keys).hasSize(total);
        for (int n = 1; n <= total; n++) {
            assertThat(keys).contains("note_" + n);
        }
        assertThat(count("SELECT count(*) FROM memories WHERE session_id = ?", s)).isEqualTo(total);
        assertThat(count("SELECT count(*) FROM memories WHERE session_id = ? AND version = 1", s)).isEqualTo(total);
        assertThat(count("SELECT memory_count FROM sessions WHERE session_id = ?", s)).isEqualTo(total);
        assertThat(count("SELECT count(*) FROM memory_versions WHERE session_id = ?", s)).isZero();
    }

    private TestClient.Reply store(String session, String content) {
        return client.command("store_memory", session, Map.of("type", "note", "content", content));
    }
}
