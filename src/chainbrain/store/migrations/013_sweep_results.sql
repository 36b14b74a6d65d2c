-- Persisted resilience sweeps: the full node sweep of the store's supply network, keyed by the network's
-- version (a hash of every table the network is read from, see chainbrain.store.sweeps), so a restarted
-- server answers from it instead of recomputing. Additive only; a derived cache, never a source.
CREATE TABLE sweep_result (
    version         VARCHAR PRIMARY KEY,      -- network version hash (tables + sweep format)
    computed_at     TIMESTAMP NOT NULL,
    seconds         DOUBLE NOT NULL,          -- how long the sweep took
    rows            VARCHAR NOT NULL          -- JSON list of sweep rows (node, ttr, loss, tts, rei)
);
