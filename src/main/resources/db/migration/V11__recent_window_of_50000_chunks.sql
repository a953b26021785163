-- Search across sessions looks for chunks among the newest app_recent_chunks_span() chunk ids
-- first (V5, V9) and ranks at most the newest 500 matches found there. For word pairs of medium
-- frequency (each word in 1-4 % of the chunks) most of a search's time went there: over the
-- newest 100,000 chunks the GIN index read two posting lists of 9,000-13,000 entries each and the
-- matches (~1,100 for `expression refer`) were read from as many heap pages (EXPLAIN ANALYZE:
-- 2.3 ms in the index, 3 ms in the heap, about 2 ms ranking 500).
--
-- The window is now the newest 50,000 chunks: half the index and heap reads. What it changes:
-- pairs with fewer than 500 matches in the window rank fewer of them (the benchmark's 40 medium
-- pairs: median 153 matches in the window instead of 329; 6 of them reach 500 instead of 16), and
-- 2 of them (under 50 matches) now also read the older chunks, as rare pairs do (V9). Measured on a
-- million chunks, the window switched back and forth on the same table: app_search for the medium
-- pairs 7.7-8.8 -> 4.7-5.6 ms (pgbench, one connection); through the app, four rounds alternated,
-- p50 10.6 / 12.5 / 11.4 / 11.7 -> 9.3 / 11.2 / 10.7 / 10.3 ms and PostgreSQL's CPU per search
-- 1.1 ms less; rare and frequent pairs unchanged. Of the top 10 that ranking every match returns,
-- the search returns 21 % for medium pairs (26 % before) and 99 % for rare pairs (as before).
-- A window of 25,000 was slower for medium pairs (more of them read the older chunks).
CREATE OR REPLACE FUNCTION app_recent_chunks_span() RETURNS bigint LANGUAGE sql IMMUTABLE AS 'SELECT 50000::bigint';

-- the vectors now below the window and its slack (from now on the trigger prunes one id per
-- insert, and sweeps every 10,000 ids, with the new span)
DELETE FROM recent_chunk_vectors WHERE id <= app_recent_chunks_floor() - app_recent_chunks_slack();
