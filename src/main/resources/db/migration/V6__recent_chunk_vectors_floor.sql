-- V5's window, made safe (found in review). Search took the window's floor as max(id) of
-- recent_chunk_vectors minus the span, in a statement before the search itself. Two ways a chunk
-- could then be missed by a search across sessions:
--   * chunks inserted between the two statements pruned vectors just above that floor, where
--     search looked for them among the recent ones only;
--   * deleting the newest chunks (a session's) lowered max(id), so older chunks whose vectors
--     were already pruned fell inside the window.
-- The floor is now read from the chunk id sequence, which never goes back, and vectors are kept
-- for app_recent_chunks_slack() more ids than the window search reads: a vector leaves only when
-- that many ids beyond the window have been handed out since the floor was read.

CREATE FUNCTION app_recent_chunks_slack() RETURNS bigint LANGUAGE sql IMMUTABLE AS 'SELECT 10000::bigint';

-- Chunks with ids above this are searched among the recent vectors; older ones in conversation_chunks.
CREATE FUNCTION app_recent_chunks_floor() RETURNS bigint LANGUAGE sql VOLATILE AS $$
    SELECT COALESCE(pg_sequence_last_value('conversation_chunks_id_seq'), 0) - app_recent_chunks_span()
$$;

CREATE OR REPLACE FUNCTION recent_chunk_vectors_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO recent_chunk_vectors (id, session_id, created_at, search_vector)
        VALUES (NEW.id, NEW.session_id, NEW.created_at, NEW.search_vector);
        DELETE FROM recent_chunk_vectors WHERE id = NEW.id - app_recent_chunks_span() - app_recent_chunks_slack();
        IF NEW.id % 10000 = 0 THEN
            DELETE FROM recent_chunk_vectors WHERE id < NEW.id - app_recent_chunks_span() - app_recent_chunks_slack();
        END IF;
    ELSE
        UPDATE recent_chunk_vectors
        SET session_id = NEW.session_id, created_at = NEW.created_at, search_vector = NEW.search_vector
        WHERE id = NEW.id;
    END IF;
    RETURN NULL;
END $$;
