-- Search ranks the newest 500 matches of each kind (sql/search/search.sql). Over a million
-- conversation chunks, finding them cost the GIN index's whole posting lists of both words before
-- a single row was read: 10 ms for two words that each occur in 8 % of the chunks, 52 ms p50 for
-- such "medium" word pairs through the app. The vectors of the newest chunks are therefore kept
-- a second time, in a table of their own with its own small GIN index. Search looks there first
-- and reads the index over every chunk only for chunks older than that window, and only when the
-- window held fewer than 500 matches (rare words, whose posting lists are short).
--
-- The window is the chunk ids within app_recent_chunks_span() of the newest one. Every chunk is
-- copied here in the transaction that inserts it, and a chunk leaves when the chunk that is
-- app_recent_chunks_span() ids newer is inserted (ids can have gaps, so a sweep every 10,000 ids
-- removes what the exact deletes missed). Search takes the window as the ids above
-- max(id) - app_recent_chunks_span() here, and the older chunks from conversation_chunks, so
-- a chunk left over by a concurrent or failed transaction is neither missed nor counted twice.

CREATE FUNCTION app_recent_chunks_span() RETURNS bigint LANGUAGE sql IMMUTABLE AS 'SELECT 100000::bigint';

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
        DELETE FROM recent_chunk_vectors WHERE id = NEW.id - app_recent_chunks_span();
        IF NEW.id % 10000 = 0 THEN
            DELETE FROM recent_chunk_vectors WHERE id < NEW.id - app_recent_chunks_span();
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
WHERE id > (SELECT COALESCE(max(id), 0) FROM conversation_chunks) - app_recent_chunks_span();
ANALYZE recent_chunk_vectors;
