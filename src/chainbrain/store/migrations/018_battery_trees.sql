-- One stored slice per battery tree (a pack with its modules and cells), so that a trace reads its code's
-- member row and its tree's rows instead of walking battery_unit and battery_event level by level
-- (chainbrain.battery.trees; docs/benchmarks.md, "Battery traceability").
--
-- battery_tree_member: every unit → the root of its tree, the topmost stored unit at most two links above
-- it (cell → module → pack). battery_tree_row: per root, the JSON of every member's battery_unit row
-- (is_event false) and of every member's events (is_event true), written in root order. A tree the
-- two-level rule does not describe (its root sits under a stored unit: a deeper chain or a cycle; or a
-- member has a child in another tree) keeps no rows, and a trace of it walks the tables. Derived data only:
-- the battery importer and the synthetic generator refresh the trees they touch in their own transaction
-- (chainbrain.battery.trees.refresh); this migration builds them for a store that already holds batteries
-- with the statements of trees.rebuild_statements (the trees one slice at a time, so that memory stays
-- bounded at national scale).
CREATE TABLE battery_tree_member (
    code  VARCHAR PRIMARY KEY,
    root  VARCHAR NOT NULL
);

CREATE TABLE battery_tree_row (
    root      VARCHAR NOT NULL,
    is_event  BOOLEAN NOT NULL,
    body      VARCHAR NOT NULL   -- to_json of the battery_unit / battery_event row
);

INSERT INTO battery_tree_member
SELECT u.code, coalesce(p2.code, p1.code, u.code)
FROM battery_unit u
LEFT JOIN battery_unit p1 ON p1.code = u.parent_code
LEFT JOIN battery_unit p2 ON p2.code = p1.parent_code

ORDER BY u.code;

INSERT INTO battery_tree_row
WITH m AS (SELECT code, root FROM (SELECT code, root FROM battery_tree_member WHERE hash(root) % 16 = 0)),
bad AS (
    -- the root sits under a stored unit (a deeper chain, a cycle)
    SELECT t.code AS root FROM battery_unit t JOIN battery_unit tp ON tp.code = t.parent_code
    WHERE t.code IN (SELECT root FROM m)
    -- a member has a child in another tree
    UNION SELECT m.root FROM m JOIN battery_unit c ON c.parent_code = m.code
    LEFT JOIN battery_tree_member cm ON cm.code = c.code
    WHERE cm.root IS DISTINCT FROM m.root
),
ok AS (SELECT code, root FROM m WHERE root NOT IN (SELECT root FROM bad))
SELECT ok.root, false, to_json(struct_pack(u.code, u.kind, u.parent_code, u.maker_id, u.vin, u.oem_id,
       u.capacity_kwh, u.produced, u.source, u.as_of, u.status))::VARCHAR
FROM ok JOIN battery_unit u ON u.code = ok.code
UNION ALL
SELECT ok.root, true, to_json(struct_pack(e.id, e.code, e.event, e.actor_id, e.actor_role, e.site,
       e.district_code, e.date, e.reported_at, e.ref, e.source, e.as_of, e.status))::VARCHAR
FROM ok JOIN battery_event e ON e.code = ok.code
ORDER BY 1;

INSERT INTO battery_tree_row
WITH m AS (SELECT code, root FROM (SELECT code, root FROM battery_tree_member WHERE hash(root) % 16 = 1)),
bad AS (
    -- the root sits under a stored unit (a deeper chain, a cycle)
    SELECT t.code AS root FROM battery_unit t JOIN battery_unit tp ON tp.code = t.parent_code
    WHERE t.code IN (SELECT root FROM m)
    -- a member has a child in another tree
    UNION SELECT m.root FROM m JOIN battery_unit c ON c.parent_code = m.code
    LEFT JOIN battery_tree_member cm ON cm.code = c.code
    WHERE cm.root IS DISTINCT FROM m.root
),
ok AS (SELECT code, root FROM m WHERE root NOT IN (SELECT root FROM bad))
SELECT ok.root, false, to_json(struct_pack(u.code, u.kind, u.parent_code, u.maker_id, u.vin, u.oem_id,
       u.capacity_kwh, u.produced, u.source, u.as_of, u.status))::VARCHAR
FROM ok JOIN battery_unit u ON u.code = ok.code
UNION ALL
SELECT ok.root, true, to_json(struct_pack(e.id, e.code, e.event, e.actor_id, e.actor_role, e.site,
       e.district_code, e.date, e.reported_at, e.ref, e.source, e.as_of, e.status))::VARCHAR
FROM ok JOIN battery_event e ON e.code = ok.code
ORDER BY 1;

INSERT INTO battery_tree_row
WITH m AS (SELECT code, root FROM (SELECT code, root FROM battery_tree_member WHERE hash(root) % 16 = 2)),
bad AS (
    -- the root sits under a stored unit (a deeper chain, a cycle)
    SELECT t.code AS root FROM battery_unit t JOIN battery_unit tp ON tp.code = t.parent_code
    WHERE t.code IN (SELECT root FROM m)
    -- a member has a child in another tree
    UNION SELECT m.root FROM m JOIN battery_unit c ON c.parent_code = m.code
    LEFT JOIN battery_tree_member cm ON cm.code = c.code
    WHERE cm.root IS DISTINCT FROM m.root
),
ok AS (SELECT code, root FROM m WHERE root NOT IN (SELECT root FROM bad))
SELECT ok.root, false, to_json(struct_pack(u.code, u.kind, u.parent_code, u.maker_id, u.vin, u.oem_id,
       u.capacity_kwh, u.produced, u.source, u.as_of, u.status))::VARCHAR
FROM ok JOIN battery_unit u ON u.code = ok.code
UNION ALL
SELECT ok.root, true, to_json(struct_pack(e.id, e.code, e.event, e.actor_id, e.actor_role, e.site,
       e.district_code, e.date, e.reported_at, e.ref, e.source, e.as_of, e.status))::VARCHAR
FROM ok JOIN battery_event e ON e.code = ok.code
ORDER BY 1;

INSERT INTO battery_tree_row
WITH m AS (SELECT code, root FROM (SELECT code, root FROM battery_tree_member WHERE hash(root) % 16 = 3)),
bad AS (
    -- the root sits under a stored unit (a deeper chain, a cycle)
    SELECT t.code AS root FROM battery_unit t JOIN battery_unit tp ON tp.code = t.parent_code
    WHERE t.code IN (SELECT root FROM m)
    -- a member has a child in another tree
    UNION SELECT m.root FROM m JOIN battery_unit c ON c.parent_code = m.code
    LEFT JOIN battery_tree_member cm ON cm.code = c.code
    WHERE cm.root IS DISTINCT FROM m.root
),
ok AS (SELECT code, root FROM m WHERE root NOT IN (SELECT root FROM bad))
SELECT ok.root, false, to_json(struct_pack(u.code, u.kind, u.parent_code, u.maker_id, u.vin, u.oem_id,
       u.capacity_kwh, u.produced, u.source, u.as_of, u.status))::VARCHAR
FROM ok JOIN battery_unit u ON u.code = ok.code
UNION ALL
SELECT ok.root, true, to_json(struct_pack(e.id, e.code, e.event, e.actor_id, e.actor_role, e.site,
       e.district_code, e.date, e.reported_at, e.ref, e.source, e.as_of, e.status))::VARCHAR
FROM ok JOIN battery_event e ON e.code = ok.code
ORDER BY 1;

INSERT INTO battery_tree_row
WITH m AS (SELECT code, root FROM (SELECT code, root FROM battery_tree_member WHERE hash(root) % 16 = 4)),
bad AS (
    -- the root sits under a stored unit (a deeper chain, a cycle)
    SELECT t.code AS root FROM battery_unit t JOIN battery_unit tp ON tp.code = t.parent_code
    WHERE t.code IN (SELECT root FROM m)
    -- a member has a child in another tree
    UNION SELECT m.root FROM m JOIN battery_unit c ON c.parent_code = m.code
    LEFT JOIN battery_tree_member cm ON cm.code = c.code
    WHERE cm.root IS DISTINCT FROM m.root
),
ok AS (SELECT code, root FROM m WHERE root NOT IN (SELECT root FROM bad))
SELECT ok.root, false, to_json(struct_pack(u.code, u.kind, u.parent_code, u.maker_id, u.vin, u.oem_id,
       u.capacity_kwh, u.produced, u.source, u.as_of, u.status))::VARCHAR
FROM ok JOIN battery_unit u ON u.code = ok.code
UNION ALL
SELECT ok.root, true, to_json(struct_pack(e.id, e.code, e.event, e.actor_id, e.actor_role, e.site,
       e.district_code, e.date, e.reported_at, e.ref, e.source, e.as_of, e.status))::VARCHAR
FROM ok JOIN battery_event e ON e.code = ok.code
ORDER BY 1;

INSERT INTO battery_tree_row
WITH m AS (SELECT code, root FROM (SELECT code, root FROM battery_tree_member WHERE hash(root) % 16 = 5)),
bad AS (
    -- the root sits under a stored unit (a deeper chain, a cycle)
    SELECT t.code AS root FROM battery_unit t JOIN battery_unit tp ON tp.code = t.parent_code
    WHERE t.code IN (SELECT root FROM m)
    -- a member has a child in another tree
    UNION SELECT m.root FROM m JOIN battery_unit c ON c.parent_code = m.code
    LEFT JOIN battery_tree_member cm ON cm.code = c.code
    WHERE cm.root IS DISTINCT FROM m.root
),
ok AS (SELECT code, root FROM m WHERE root NOT IN (SELECT root FROM bad))
SELECT ok.root, false, to_json(struct_pack(u.code, u.kind, u.parent_code, u.maker_id, u.vin, u.oem_id,
       u.capacity_kwh, u.produced, u.source, u.as_of, u.status))::VARCHAR
FROM ok JOIN battery_unit u ON u.code = ok.code
UNION ALL
SELECT ok.root, true, to_json(struct_pack(e.id, e.code, e.event, e.actor_id, e.actor_role, e.site,
       e.district_code, e.date, e.reported_at, e.ref, e.source, e.as_of, e.status))::VARCHAR
FROM ok JOIN battery_event e ON e.code = ok.code
ORDER BY 1;

INSERT INTO battery_tree_row
WITH m AS (SELECT code, root FROM (SELECT code, root FROM battery_tree_member WHERE hash(root) % 16 = 6)),
bad AS (
    -- the root sits under a stored unit (a deeper chain, a cycle)
    SELECT t.code AS root FROM battery_unit t JOIN battery_unit tp ON tp.code = t.parent_code
    WHERE t.code IN (SELECT root FROM m)
    -- a member has a child in another tree
    UNION SELECT m.root FROM m JOIN battery_unit c ON c.parent_code = m.code
    LEFT JOIN battery_tree_member cm ON cm.code = c.code
    WHERE cm.root IS DISTINCT FROM m.root
),
ok AS (SELECT code, root FROM m WHERE root NOT IN (SELECT root FROM bad))
SELECT ok.root, false, to_json(struct_pack(u.code, u.kind, u.parent_code, u.maker_id, u.vin, u.oem_id,
       u.capacity_kwh, u.produced, u.source, u.as_of, u.status))::VARCHAR
FROM ok JOIN battery_unit u ON u.code = ok.code
UNION ALL
SELECT ok.root, true, to_json(struct_pack(e.id, e.code, e.event, e.actor_id, e.actor_role, e.site,
       e.district_code, e.date, e.reported_at, e.ref, e.source, e.as_of, e.status))::VARCHAR
FROM ok JOIN battery_event e ON e.code = ok.code
ORDER BY 1;

INSERT INTO battery_tree_row
WITH m AS (SELECT code, root FROM (SELECT code, root FROM battery_tree_member WHERE hash(root) % 16 = 7)),
bad AS (
    -- the root sits under a stored unit (a deeper chain, a cycle)
    SELECT t.code AS root FROM battery_unit t JOIN battery_unit tp ON tp.code = t.parent_code
    WHERE t.code IN (SELECT root FROM m)
    -- a member has a child in another tree
    UNION SELECT m.root FROM m JOIN battery_unit c ON c.parent_code = m.code
    LEFT JOIN battery_tree_member cm ON cm.code = c.code
    WHERE cm.root IS DISTINCT FROM m.root
),
ok AS (SELECT code, root FROM m WHERE root NOT IN (SELECT root FROM bad))
SELECT ok.root, false, to_json(struct_pack(u.code, u.kind, u.parent_code, u.maker_id, u.vin, u.oem_id,
       u.capacity_kwh, u.produced, u.source, u.as_of, u.status))::VARCHAR
FROM ok JOIN battery_unit u ON u.code = ok.code
UNION ALL
SELECT ok.root, true, to_json(struct_pack(e.id, e.code, e.event, e.actor_id, e.actor_role, e.site,
       e.district_code, e.date, e.reported_at, e.ref, e.source, e.as_of, e.status))::VARCHAR
FROM ok JOIN battery_event e ON e.code = ok.code
ORDER BY 1;

INSERT INTO battery_tree_row
WITH m AS (SELECT code, root FROM (SELECT code, root FROM battery_tree_member WHERE hash(root) % 16 = 8)),
bad AS (
    -- the root sits under a stored unit (a deeper chain, a cycle)
    SELECT t.code AS root FROM battery_unit t JOIN battery_unit tp ON tp.code = t.parent_code
    WHERE t.code IN (SELECT root FROM m)
    -- a member has a child in another tree
    UNION SELECT m.root FROM m JOIN battery_unit c ON c.parent_code = m.code
    LEFT JOIN battery_tree_member cm ON cm.code = c.code
    WHERE cm.root IS DISTINCT FROM m.root
),
ok AS (SELECT code, root FROM m WHERE root NOT IN (SELECT root FROM bad))
SELECT ok.root, false, to_json(struct_pack(u.code, u.kind, u.parent_code, u.maker_id, u.vin, u.oem_id,
       u.capacity_kwh, u.produced, u.source, u.as_of, u.status))::VARCHAR
FROM ok JOIN battery_unit u ON u.code = ok.code
UNION ALL
SELECT ok.root, true, to_json(struct_pack(e.id, e.code, e.event, e.actor_id, e.actor_role, e.site,
       e.district_code, e.date, e.reported_at, e.ref, e.source, e.as_of, e.status))::VARCHAR
FROM ok JOIN battery_event e ON e.code = ok.code
ORDER BY 1;

INSERT INTO battery_tree_row
WITH m AS (SELECT code, root FROM (SELECT code, root FROM battery_tree_member WHERE hash(root) % 16 = 9)),
bad AS (
    -- the root sits under a stored unit (a deeper chain, a cycle)
    SELECT t.code AS root FROM battery_unit t JOIN battery_unit tp ON tp.code = t.parent_code
    WHERE t.code IN (SELECT root FROM m)
    -- a member has a child in another tree
    UNION SELECT m.root FROM m JOIN battery_unit c ON c.parent_code = m.code
    LEFT JOIN battery_tree_member cm ON cm.code = c.code
    WHERE cm.root IS DISTINCT FROM m.root
),
ok AS (SELECT code, root FROM m WHERE root NOT IN (SELECT root FROM bad))
SELECT ok.root, false, to_json(struct_pack(u.code, u.kind, u.parent_code, u.maker_id, u.vin, u.oem_id,
       u.capacity_kwh, u.produced, u.source, u.as_of, u.status))::VARCHAR
FROM ok JOIN battery_unit u ON u.code = ok.code
UNION ALL
SELECT ok.root, true, to_json(struct_pack(e.id, e.code, e.event, e.actor_id, e.actor_role, e.site,
       e.district_code, e.date, e.reported_at, e.ref, e.source, e.as_of, e.status))::VARCHAR
FROM ok JOIN battery_event e ON e.code = ok.code
ORDER BY 1;

INSERT INTO battery_tree_row
WITH m AS (SELECT code, root FROM (SELECT code, root FROM battery_tree_member WHERE hash(root) % 16 = 10)),
bad AS (
    -- the root sits under a stored unit (a deeper chain, a cycle)
    SELECT t.code AS root FROM battery_unit t JOIN battery_unit tp ON tp.code = t.parent_code
    WHERE t.code IN (SELECT root FROM m)
    -- a member has a child in another tree
    UNION SELECT m.root FROM m JOIN battery_unit c ON c.parent_code = m.code
    LEFT JOIN battery_tree_member cm ON cm.code = c.code
    WHERE cm.root IS DISTINCT FROM m.root
),
ok AS (SELECT code, root FROM m WHERE root NOT IN (SELECT root FROM bad))
SELECT ok.root, false, to_json(struct_pack(u.code, u.kind, u.parent_code, u.maker_id, u.vin, u.oem_id,
       u.capacity_kwh, u.produced, u.source, u.as_of, u.status))::VARCHAR
FROM ok JOIN battery_unit u ON u.code = ok.code
UNION ALL
SELECT ok.root, true, to_json(struct_pack(e.id, e.code, e.event, e.actor_id, e.actor_role, e.site,
       e.district_code, e.date, e.reported_at, e.ref, e.source, e.as_of, e.status))::VARCHAR
FROM ok JOIN battery_event e ON e.code = ok.code
ORDER BY 1;

INSERT INTO battery_tree_row
WITH m AS (SELECT code, root FROM (SELECT code, root FROM battery_tree_member WHERE hash(root) % 16 = 11)),
bad AS (
    -- the root sits under a stored unit (a deeper chain, a cycle)
    SELECT t.code AS root FROM battery_unit t JOIN battery_unit tp ON tp.code = t.parent_code
    WHERE t.code IN (SELECT root FROM m)
    -- a member has a child in another tree
    UNION SELECT m.root FROM m JOIN battery_unit c ON c.parent_code = m.code
    LEFT JOIN battery_tree_member cm ON cm.code = c.code
    WHERE cm.root IS DISTINCT FROM m.root
),
ok AS (SELECT code, root FROM m WHERE root NOT IN (SELECT root FROM bad))
SELECT ok.root, false, to_json(struct_pack(u.code, u.kind, u.parent_code, u.maker_id, u.vin, u.oem_id,
       u.capacity_kwh, u.produced, u.source, u.as_of, u.status))::VARCHAR
FROM ok JOIN battery_unit u ON u.code = ok.code
UNION ALL
SELECT ok.root, true, to_json(struct_pack(e.id, e.code, e.event, e.actor_id, e.actor_role, e.site,
       e.district_code, e.date, e.reported_at, e.ref, e.source, e.as_of, e.status))::VARCHAR
FROM ok JOIN battery_event e ON e.code = ok.code
ORDER BY 1;

INSERT INTO battery_tree_row
WITH m AS (SELECT code, root FROM (SELECT code, root FROM battery_tree_member WHERE hash(root) % 16 = 12)),
bad AS (
    -- the root sits under a stored unit (a deeper chain, a cycle)
    SELECT t.code AS root FROM battery_unit t JOIN battery_unit tp ON tp.code = t.parent_code
    WHERE t.code IN (SELECT root FROM m)
    -- a member has a child in another tree
    UNION SELECT m.root FROM m JOIN battery_unit c ON c.parent_code = m.code
    LEFT JOIN battery_tree_member cm ON cm.code = c.code
    WHERE cm.root IS DISTINCT FROM m.root
),
ok AS (SELECT code, root FROM m WHERE root NOT IN (SELECT root FROM bad))
SELECT ok.root, false, to_json(struct_pack(u.code, u.kind, u.parent_code, u.maker_id, u.vin, u.oem_id,
       u.capacity_kwh, u.produced, u.source, u.as_of, u.status))::VARCHAR
FROM ok JOIN battery_unit u ON u.code = ok.code
UNION ALL
SELECT ok.root, true, to_json(struct_pack(e.id, e.code, e.event, e.actor_id, e.actor_role, e.site,
       e.district_code, e.date, e.reported_at, e.ref, e.source, e.as_of, e.status))::VARCHAR
FROM ok JOIN battery_event e ON e.code = ok.code
ORDER BY 1;

INSERT INTO battery_tree_row
WITH m AS (SELECT code, root FROM (SELECT code, root FROM battery_tree_member WHERE hash(root) % 16 = 13)),
bad AS (
    -- the root sits under a stored unit (a deeper chain, a cycle)
    SELECT t.code AS root FROM battery_unit t JOIN battery_unit tp ON tp.code = t.parent_code
    WHERE t.code IN (SELECT root FROM m)
    -- a member has a child in another tree
    UNION SELECT m.root FROM m JOIN battery_unit c ON c.parent_code = m.code
    LEFT JOIN battery_tree_member cm ON cm.code = c.code
    WHERE cm.root IS DISTINCT FROM m.root
),
ok AS (SELECT code, root FROM m WHERE root NOT IN (SELECT root FROM bad))
SELECT ok.root, false, to_json(struct_pack(u.code, u.kind, u.parent_code, u.maker_id, u.vin, u.oem_id,
       u.capacity_kwh, u.produced, u.source, u.as_of, u.status))::VARCHAR
FROM ok JOIN battery_unit u ON u.code = ok.code
UNION ALL
SELECT ok.root, true, to_json(struct_pack(e.id, e.code, e.event, e.actor_id, e.actor_role, e.site,
       e.district_code, e.date, e.reported_at, e.ref, e.source, e.as_of, e.status))::VARCHAR
FROM ok JOIN battery_event e ON e.code = ok.code
ORDER BY 1;

INSERT INTO battery_tree_row
WITH m AS (SELECT code, root FROM (SELECT code, root FROM battery_tree_member WHERE hash(root) % 16 = 14)),
bad AS (
    -- the root sits under a stored unit (a deeper chain, a cycle)
    SELECT t.code AS root FROM battery_unit t JOIN battery_unit tp ON tp.code = t.parent_code
    WHERE t.code IN (SELECT root FROM m)
    -- a member has a child in another tree
    UNION SELECT m.root FROM m JOIN battery_unit c ON c.parent_code = m.code
    LEFT JOIN battery_tree_member cm ON cm.code = c.code
    WHERE cm.root IS DISTINCT FROM m.root
),
ok AS (SELECT code, root FROM m WHERE root NOT IN (SELECT root FROM bad))
SELECT ok.root, false, to_json(struct_pack(u.code, u.kind, u.parent_code, u.maker_id, u.vin, u.oem_id,
       u.capacity_kwh, u.produced, u.source, u.as_of, u.status))::VARCHAR
FROM ok JOIN battery_unit u ON u.code = ok.code
UNION ALL
SELECT ok.root, true, to_json(struct_pack(e.id, e.code, e.event, e.actor_id, e.actor_role, e.site,
       e.district_code, e.date, e.reported_at, e.ref, e.source, e.as_of, e.status))::VARCHAR
FROM ok JOIN battery_event e ON e.code = ok.code
ORDER BY 1;

INSERT INTO battery_tree_row
WITH m AS (SELECT code, root FROM (SELECT code, root FROM battery_tree_member WHERE hash(root) % 16 = 15)),
bad AS (
    -- the root sits under a stored unit (a deeper chain, a cycle)
    SELECT t.code AS root FROM battery_unit t JOIN battery_unit tp ON tp.code = t.parent_code
    WHERE t.code IN (SELECT root FROM m)
    -- a member has a child in another tree
    UNION SELECT m.root FROM m JOIN battery_unit c ON c.parent_code = m.code
    LEFT JOIN battery_tree_member cm ON cm.code = c.code
    WHERE cm.root IS DISTINCT FROM m.root
),
ok AS (SELECT code, root FROM m WHERE root NOT IN (SELECT root FROM bad))
SELECT ok.root, false, to_json(struct_pack(u.code, u.kind, u.parent_code, u.maker_id, u.vin, u.oem_id,
       u.capacity_kwh, u.produced, u.source, u.as_of, u.status))::VARCHAR
FROM ok JOIN battery_unit u ON u.code = ok.code
UNION ALL
SELECT ok.root, true, to_json(struct_pack(e.id, e.code, e.event, e.actor_id, e.actor_role, e.site,
       e.district_code, e.date, e.reported_at, e.ref, e.source, e.as_of, e.status))::VARCHAR
FROM ok JOIN battery_event e ON e.code = ok.code
ORDER BY 1;

CREATE INDEX battery_tree_row_root ON battery_tree_row (root);
