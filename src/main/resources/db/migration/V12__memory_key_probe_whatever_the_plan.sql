-- The next key's number (app_next_memory_key) was meant to be one backward probe of
-- memories_key_number_idx (V4). After five calls on a connection plpgsql keeps a generic plan,
-- made for the average session. Where one session is much bigger than the average and the table
-- was just vacuumed (every page all-visible), that plan read the session's keys through the
-- (session_id, key) index instead, with the regular expression on every key: in the benchmark's
-- small run, after its bulk load, 10 ms per stored memory for a session of 2,000 (auto_explain:
-- "Index Only Scan using memories_session_id_key_key ... Rows Removed by Filter: 1600"), and
-- store_memory took 15-18 ms there instead of 4-6 before the load.
--
-- The lookup now names the session and the key's prefix together, as one array, and only this
-- index holds that array: no other index can answer the condition, so whatever the statistics say,
-- the plan is the probe (or, for a table of a few pages, a scan of them).
CREATE INDEX memories_key_group_idx ON memories (
    (ARRAY[session_id, substring(key FROM '^(.*)_[0-9]+$')]),
    (substring(key FROM '_([0-9]+)$')::numeric));

CREATE OR REPLACE FUNCTION app_next_memory_key(p_session text, p_type text) RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    RETURN p_type || '_' || (
        SELECT COALESCE(max(substring(m.key FROM '_([0-9]+)$')::numeric), 0) + 1
        FROM memories m
        WHERE ARRAY[m.session_id, substring(m.key FROM '^(.*)_[0-9]+$')] = ARRAY[p_session, p_type]);
END $$;

DROP INDEX memories_key_number_idx;
