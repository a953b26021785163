package dev.aiwebhook.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import javax.sql.DataSource;

/**
 * The benchmark's data at scale, written by SQL into the app's database, through the same
 * triggers as the app's own writes (search vectors, counters): memories spread over 1,000
 * sessions, and conversation chunks of ~60 words drawn from a Zipf distribution (P(rank r) ~ 1/r)
 * over a vocabulary of real words (bench/words.txt: the most common words of this machine's
 * manual pages, PostgreSQL's English stop words removed).
 */
final class BulkData {

    private static final int SESSIONS = 1000;
    private static final int STEP = 10_000;

    private final DataSource database;

    BulkData(DataSource database) {
        this.database = database;
    }

    void load(int memories, int chunks, Map<String, Object> data) throws Exception {
        long t0 = System.nanoTime();
        List<String> words;
        try (Connection c = database.getConnection()) {
            words = vocabulary(c);
            try (PreparedStatement st = c.prepareStatement("""
                    INSERT INTO sessions (session_id, title)
                    SELECT 'bench-bulk-' || g, 'bulk ' || g FROM generate_series(0, ? - 1) g
                    ON CONFLICT DO NOTHING""")) {
                st.setInt(1, SESSIONS);
                st.executeUpdate();
            }
            try (PreparedStatement st = c.prepareStatement("""
                    INSERT INTO memories (session_id, key, type, content, tags)
                    SELECT 'bench-bulk-' || (g % 1000), 'bulk_' || g,
                           (ARRAY['idea', 'decision', 'question', 'fact', 'note'])[1 + g % 5],
                           jsonb_build_object('text', 'bulk memory number ' || g), ARRAY['t' || (g % 10)]
                    FROM generate_series(?, ?) g""")) {
                for (int from = 1; from <= memories; from += STEP) {
                    st.setInt(1, from);
                    st.setInt(2, Math.min(memories, from + STEP - 1));
                    st.executeUpdate();
                }
            }
            double memoriesS = (System.nanoTime() - t0) / 1e9;
            long t1 = System.nanoTime();
            Array vocab = c.createArrayOf("text", words.toArray());
            try (PreparedStatement st = c.prepareStatement("""
                    INSERT INTO conversation_chunks (session_id, chunk_id, content)
                    SELECT 'bench-bulk-' || (g % 1000), 'bulk-chunk-' || g,
                           (SELECT string_agg((CAST(? AS text[]))[floor(exp(random() * ln(CAST(? AS float8))))::int], ' ')
                            FROM generate_series(1, 60 + 0 * g))
                    FROM generate_series(?, ?) g""")) {
                for (int from = 1; from <= chunks; from += STEP) {
                    st.setArray(1, vocab);
                    st.setInt(2, words.size());
                    st.setInt(3, from);
                    st.setInt(4, Math.min(chunks, from + STEP - 1));
                    st.executeUpdate();
                }
            }
            double chunksS = (System.nanoTime() - t1) / 1e9;
            long t2 = System.nanoTime();
            try (var st = c.createStatement()) {
                st.execute("VACUUM ANALYZE memories");
                st.execute("VACUUM ANALYZE conversation_chunks");
                st.execute("VACUUM ANALYZE sessions");
                // the load wrote hundreds of MB of WAL: finish the checkpoint it started now, so that
                // the scenarios after it do not pay for it (full-page writes, competing fsyncs)
                st.execute("CHECKPOINT");
            }
            data.put("bulk_memories", memories);
            data.put("bulk_chunks", chunks);
            data.put("vocabulary_words", words.size());
            data.put("bulk_memories_load_s", Math.round(memoriesS * 10) / 10.0);
            data.put("bulk_chunks_load_s", Math.round(chunksS * 10) / 10.0);
            data.put("vacuum_analyze_checkpoint_s", Math.round((System.nanoTime() - t2) / 1e8) / 10.0);
        }
        System.out.printf("  loaded %,d memories and %,d chunks in %.0f s%n", memories, chunks, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * Word pairs per class, by the words' rank in the Zipf vocabulary: frequent (ranks 1-12,
     * each in a large share of all chunks), medium (ranks 100-300) and rare (the last third).
     */
    static Map<String, List<String>> searchPairs(DataSource database) throws Exception {
        List<String> words;
        try (Connection c = database.getConnection()) {
            words = vocabulary(c);
        }
        Random random = new Random(42);
        Map<String, List<String>> classes = new LinkedHashMap<>();
        classes.put("rare", pairs(words, words.size() * 2 / 3, words.size() - 1, random));
        classes.put("medium", pairs(words, 100, 300, random));
        classes.put("frequent", pairs(words, 0, 11, random));
        return classes;
    }

    private static List<String> pairs(List<String> words, int from, int to, Random random) {
        List<String> out = new ArrayList<>();
        while (out.size() < 40) {
            int a = from + random.nextInt(to - from + 1);
            int b = from + random.nextInt(to - from + 1);
            if (a != b) {
                out.add(words.get(a) + " " + words.get(b));
            }
        }
        return out;
    }

    /** bench/words.txt in order (most common first), without the words the search configuration ignores. */
    private static List<String> vocabulary(Connection c) throws Exception {
        List<String> all = new ArrayList<>();
        try (InputStream in = BulkData.class.getResourceAsStream("/bench/words.txt")) {
            if (in == null) {
                throw new IOException("bench/words.txt is missing from the test resources");
            }
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    all.add(line.trim());
                }
            }
        }
        List<String> kept = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement("""
                SELECT w FROM unnest(CAST(? AS text[])) WITH ORDINALITY AS t(w, n)
                WHERE to_tsvector(app_ts_config(), w) <> ''::tsvector ORDER BY n""")) {
            st.setArray(1, c.createArrayOf("text", all.toArray()));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    kept.add(rs.getString(1));
                }
            }
        }
        return kept;
    }
}
