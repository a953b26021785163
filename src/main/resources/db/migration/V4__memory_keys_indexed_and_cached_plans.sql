-- A memory stored without a key gets <type>_<n>, n one above the highest number already used
-- in the session with that prefix. That was a scan of every memory of the session with a
-- regular expression per row (65 ms at 20,000 memories, growing with the session); this index
-- on the key's prefix and number answers it with one backward index probe (0.1 ms at any size).
CREATE INDEX memories_key_number_idx ON memories (
    session_id,
    (substring(key FROM '^(.*)_[0-9]+$')),
    (substring(key FROM '_([0-9]+)$')::numeric));

-- The next free key for a memory of this type in this session. A writer locks the session's row
-- first (sql/sessions/lock_session.sql), so two stores into one session take turns and cannot
-- both pick the same number. plpgsql, so the query's plan is cached per connection.
CREATE FUNCTION app_next_memory_key(p_session text, p_type text) RETURNS text
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN p_type || '_' || (
        SELECT COALESCE(max(substring(m.key FROM '_([0-9]+)$')::numeric), 0) + 1
        FROM memories m
        WHERE m.session_id = p_session AND substring(m.key FROM '^(.*)_[0-9]+$') = p_type);
END $$;

-- Re-extraction looks for a memory already taken from the same chunk.
CREATE INDEX memories_source_chunk_idx ON memories (session_id, source_chunk_id) WHERE source_chunk_id IS NOT NULL;

-- The text search configuration, read by every search-vector trigger (four times per memory).
-- As a SQL function it was parsed and planned on every call (pg_stat_statements: 4,000 plans
-- for 1,000 stored memories); plpgsql keeps the plan for the connection.
CREATE OR REPLACE FUNCTION app_ts_config() RETURNS regconfig LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN COALESCE((SELECT value FROM app_settings WHERE name = 'text_search_config'), 'english')::regconfig;
END $$;

-- The claim takes the oldest queued webhooks. It read them through a bitmap scan of an index on
-- available_at, which never learns that an entry is dead: every webhook claimed since the last
-- vacuum was visited again by each claim (2,265 entries and 442 heap pages for one queued
-- webhook, 0.85 ms). A plain index scan in received_at order stops at the first live rows and
-- marks the dead entries it passes, so later claims skip them.
DROP INDEX relay_webhooks_ready_idx;
CREATE INDEX relay_webhooks_queue_idx ON relay_webhooks (received_at) WHERE status = 'queued';
