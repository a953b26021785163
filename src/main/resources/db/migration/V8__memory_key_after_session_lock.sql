-- store_memory.sql now locks the session in the same statement that inserts the memory, instead
-- of a statement of its own before it: one round trip fewer per memory, ten fewer in a batch of
-- ten (what that buys: the README's benchmark section, seventh round).
-- A STABLE function reads with the snapshot its calling statement took when it began, before
-- it waited for that lock: two stores without a key in one session could then both read the same
-- highest n, and the second would overwrite the first (ConcurrentStoresTest failed that way).
-- A VOLATILE function takes a fresh snapshot for each query it runs, so once the lock is granted
-- it sees every memory committed by the store that held it. Nothing else changes: its other
-- callers (extracted memories) lock the session with a statement of their own first.
ALTER FUNCTION app_next_memory_key(text, text) VOLATILE;
