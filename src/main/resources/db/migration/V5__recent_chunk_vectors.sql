-- Search ranks the newest 500 matches of each kind (sql/search/search.sql). Over a million
-- conversation chunks, finding them cost the GIN index's whole posting lists of both words before
-- a single row was read: 10 ms for two words that each occur in 8 % of the chunks, 52 ms p50 for
-- such "medium" word pairs through the app. The vectors of the newest chunks are therefore kept
-- a second time, in a table of their own with its own small GIN index. Search looks there first
-- and reads the index over every chunk only for chunks older than that window, and only when the
-- window held fewer than 500 matches (rare words, whose posting lists are short).
--
-- The window is the newest app_recent_chunks_span() chunk ids handed out: its floor is read from
-- the chunk id sequence (app_recent_chunks_floor()), which never goes back, so deleting the newest
-- chunks cannot move it down over vectors already pruned. Every chunk is copied here in the
-- transaction that inserts it; its vector leaves when the chunk app_recent_chunks_slack() ids beyond
-- the window arrives (ids can have gaps, so a sweep every 10,000 ids removes what the exact deletes
-- missed). The slack keeps the vectors just above a floor read a moment before the search runs,
-- unless more than 10,000 chunk ids are handed out in between. Search reads the ids above the floor here and the
-- older ones from conversation_chunks, so no chunk is missed or counted twice.

CREATE FUNCTION app_recent_chunks_span() RETURNS bigint LANGUAGE sql IMMUTABLE AS 'SELECT 100000::bigint';
CREATE FUNCTION app_recent_chunks_slack() RETURNS bigint LANGUAGE sql IMMUTABLE AS 'SELECT 10000::bigint';

-- Chunks with ids above this are searched among the recent vectors; older ones in conversation_chunks.
CREATE FUNCTION app_recent_chunks_floor() RETURNS bigint LANGUAGE sql VOLATILE AS $$
    SELECT COALESCE(pg_sequence_last_value('conversation_chunks_id_seq'), 0) - app_recent_chunks_span()
$$;

CREATE TABLE recent_chunk_vectors (
    id            bigint PRIMARY KEY REFERENCES conversation_chunks (id) ON DELETE CASCADE,
    session_id    text NOT NULL,
    created_at    timestamptz NOT NULL,
    search_vector tsvector
);
CREATE INDEX recent_chunk_vectors_search_idx ON recent_chunk_vectors USING gin (search_vector);

CREATE FUNCTION recent_chunk_vectors_keep() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE TRIGGER chunks_recent_vectors AFTER INSERT OR UPDATE OF session_id, created_at, content, search_vector
    ON conversation_chunks FOR EACH ROW EXECUTE FUNCTION recent_chunk_vectors_keep();

INSERT INTO recent_chunk_vectors (id, session_id, created_at, search_vector)
SELECT id, session_id, created_at, search_vector FROM conversation_chunks
WHERE id > app_recent_chunks_floor() - app_recent_chunks_slack();
ANALYZE recent_chunk_vectors;
