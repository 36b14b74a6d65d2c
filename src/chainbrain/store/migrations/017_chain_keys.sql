-- Integer surrogate keys of sites, so that the chain analytics meet 1,000,000 supply links on integers
-- rather than on site-id strings (chainbrain.store.keys; docs/benchmarks.md, "Chain map").
--
-- site_key is append-only: an id keeps its key for ever (a site deleted and inserted again, a link naming a
-- supplier site that arrives later), so a key once written never goes stale. site.k, supply_link.buyer_k
-- and supply_link.supplier_k copy the key of their row's own id; the store fills them in the transaction of
-- every write (store.records.insert_rows, synth), and a row written past the store (plain SQL) keeps NULL
-- keys until the next such write: the analytics then use the string-keyed SQL.
CREATE TABLE site_key (
    id  VARCHAR PRIMARY KEY,
    k   INTEGER NOT NULL UNIQUE
);

ALTER TABLE site ADD COLUMN k INTEGER;
ALTER TABLE supply_link ADD COLUMN buyer_k INTEGER;
ALTER TABLE supply_link ADD COLUMN supplier_k INTEGER;

INSERT INTO site_key
SELECT id, row_number() OVER (ORDER BY id)::INTEGER
FROM (SELECT id FROM site UNION SELECT buyer_site_id FROM supply_link UNION SELECT supplier_site_id FROM supply_link);

UPDATE site SET k = r.k FROM site_key r WHERE r.id = site.id;
UPDATE supply_link SET buyer_k = b.k, supplier_k = s.k
FROM site_key b, site_key s
WHERE b.id = supply_link.buyer_site_id AND s.id = supply_link.supplier_site_id;
