-- Search in one call (sql/search/search.sql calls app_search). Before, the route sent two
-- statements: the query computed (search_query.sql), then one statement of four ranked branches
-- sent as text and planned for each call's words, since the best plan depends on how frequent
-- they are. PostgreSQL parsed that statement on every call (about 0.7 ms), planned all of it
-- (1.1-1.3 ms) and the computed query cost a round trip of its own. Here the query is computed
-- once, each kind's candidates are found by a small statement planned for the call's words
-- (EXECUTE: planned on every call with its values, like a constant), and the returned hits are
-- read by primary key with a plan made once per connection.
--
-- Bounded as before: of each kind at most the newest 500 matches are ranked. Chunks across all
-- sessions are looked for among the newest chunks' vectors first (recent_chunk_vectors, V5);
-- the index over every chunk is read only when those hold fewer than five times the hits asked
-- for, and at least 50 (50 for the default 10; 500 for the maximum 100); otherwise only the
-- window's matches are ranked. Before, it was read whenever they held fewer than 500: two words that each
-- occur in 5-10 % of a million chunks then cost 10 ms in that index alone, and the heap reads of
-- thousands of older matches, to rank 500 where 300 newer ones were already found.

-- The returned hits: rows given by id, ranked, with their snippets. The same plan serves every
-- call (force_generic_plan): ids are looked up by primary key whatever the words.
CREATE FUNCTION app_search_hits(p_query text, p_tsquery tsquery, memory_ids bigint[], chunk_ids bigint[],
                                artifact_ids bigint[], p_limit integer)
RETURNS text LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    config regconfig := app_ts_config();
    result text;
BEGIN
    SELECT json_build_object(
        'query', p_query,
        'hits', COALESCE(json_agg(json_build_object(
                    'kind', t.kind, 'session_id', t.session_id,
                    'key', CASE WHEN t.kind = 'memory' THEN t.ref END,
                    'id', CASE WHEN t.kind <> 'memory' THEN t.ref END,
                    'memory_type', t.memory_type,
                    'rank', round(t.rank::numeric, 4),
                    'snippet', ts_headline(config, t.body, p_tsquery,
                                           'StartSel=**, StopSel=**, MaxWords=30, MinWords=10, MaxFragments=2'))
                 ORDER BY t.rank DESC, t.at DESC), '[]'::json),
        'count', count(*))::text
    INTO result
    FROM (SELECT * FROM (
            SELECT 'memory' AS kind, m.session_id, m.key AS ref, m.type AS memory_type,
                   CASE WHEN jsonb_typeof(m.content) = 'string' THEN m.content ->> 0 ELSE m.content::text END AS body,
                   ts_rank_cd(m.search_vector, p_tsquery) AS rank, m.updated_at AS at
            FROM memories m WHERE m.id = ANY (memory_ids)
            UNION ALL
            SELECT 'chunk', c.session_id, c.chunk_id, NULL, c.content,
                   ts_rank_cd(c.search_vector, p_tsquery), c.created_at
            FROM conversation_chunks c WHERE c.id = ANY (chunk_ids)
            UNION ALL
            SELECT 'artifact', a.session_id, a.artifact_id, NULL, a.name || E'\n' || a.content,
                   ts_rank_cd(a.search_vector, p_tsquery), a.created_at
            FROM artifacts a WHERE a.id = ANY (artifact_ids)) u
          ORDER BY u.rank DESC, u.at DESC LIMIT p_limit) t;
    RETURN result;
END $$;

-- Search: the JSON the search command returns. p_kinds and p_types are JSON arrays
-- ('[]' types: any); p_session '' searches every session. Each kind yields the ids of its best
-- p_limit among its newest 500 matches (chunks: among the newest chunks and the older ones, each
-- their best); app_search_hits ranks those together and keeps the best p_limit.
CREATE FUNCTION app_search(p_query text, p_kinds jsonb, p_types jsonb, p_session text, p_limit integer)
RETURNS text LANGUAGE plpgsql STABLE AS $$
DECLARE
    q tsquery := app_search_query(p_query);
    types text[];
    chunk_floor bigint;
    recent_matches bigint;
    memory_ids bigint[];
    chunk_ids bigint[];
    older_ids bigint[];
    artifact_ids bigint[];
BEGIN
    IF p_types <> '[]'::jsonb THEN
        types := ARRAY(SELECT jsonb_array_elements_text(p_types));
    END IF;
    IF p_kinds @> '["memories"]' THEN
        EXECUTE $sql$
            SELECT (array_agg(m.id ORDER BY ts_rank_cd(m.search_vector, $1) DESC, m.updated_at DESC))[1:$4]
            FROM (SELECT m.id, m.search_vector, m.updated_at FROM memories m
                  WHERE m.search_vector @@ $1 AND m.deleted_at IS NULL
                    AND ($2 = '' OR m.session_id = $2)
                    AND ($3 IS NULL OR m.type = ANY ($3))
                  ORDER BY m.id DESC LIMIT 500) m $sql$
        INTO memory_ids USING q, p_session, types, p_limit;
    END IF;
    IF p_kinds @> '["chunks"]' AND types IS NULL THEN
        IF p_session <> '' THEN
            EXECUTE $sql$
                SELECT (array_agg(c.id ORDER BY ts_rank_cd(c.search_vector, $1) DESC, c.created_at DESC))[1:$3]
                FROM (SELECT c.id, c.search_vector, c.created_at FROM conversation_chunks c
                      WHERE c.session_id = $2 AND c.search_vector @@ $1
                      ORDER BY c.id DESC LIMIT 500) c $sql$
            INTO chunk_ids USING q, p_session, p_limit;
        ELSE
            chunk_floor := app_recent_chunks_floor();
            EXECUTE $sql$
                SELECT count(*), (array_agg(r.id ORDER BY ts_rank_cd(r.search_vector, $1) DESC, r.created_at DESC))[1:$3]
                FROM (SELECT r.id, r.search_vector, r.created_at FROM recent_chunk_vectors r
                      WHERE r.id > $2 AND r.search_vector @@ $1
                      ORDER BY r.id DESC LIMIT 500) r $sql$
            INTO recent_matches, chunk_ids USING q, chunk_floor, p_limit;
            IF recent_matches < GREATEST(5 * p_limit, 50) THEN
                -- and the best among the newest older ones, up to 500 matches in all
                EXECUTE $sql$
                    SELECT (array_agg(c.id ORDER BY ts_rank_cd(c.search_vector, $1) DESC, c.created_at DESC))[1:$3]
                    FROM (SELECT c.id, c.search_vector, c.created_at FROM conversation_chunks c
                          WHERE c.id <= $2 AND c.search_vector @@ $1
                          ORDER BY c.id DESC LIMIT $4) c $sql$
                INTO older_ids USING q, chunk_floor, p_limit, 500 - recent_matches;
                chunk_ids := chunk_ids || older_ids;
            END IF;
        END IF;
    END IF;
    IF p_kinds @> '["artifacts"]' AND types IS NULL THEN
        EXECUTE $sql$
            SELECT (array_agg(a.id ORDER BY ts_rank_cd(a.search_vector, $1) DESC, a.created_at DESC))[1:$3]
            FROM (SELECT a.id, a.search_vector, a.created_at FROM artifacts a
                  WHERE a.search_vector @@ $1 AND ($2 = '' OR a.session_id = $2)
                  ORDER BY a.id DESC LIMIT 500) a $sql$
        INTO artifact_ids USING q, p_session, p_limit;
    END IF;
    RETURN app_search_hits(p_query, q, memory_ids, chunk_ids, artifact_ids, p_limit);
END $$;
