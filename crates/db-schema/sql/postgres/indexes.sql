-- Index parts (one row per key or INCLUDE column) of the relations in scope (scope.sql), except
-- indexes that implement a primary key, unique or exclusion constraint (those are reported as
-- constraints), and, on a folded partition, indexes attached to its parent's index.
-- `nulls_first` is read for btree only (the one built-in method that orders); `opclass` only
-- when it is not the type's default; `collation` only when it is not the column's own (for an
-- expression, not the default collation).
SELECT i.indrelid::int8 AS oid,
       ic.relname AS name,
       i.indisunique AS is_unique,
       i.indnullsnotdistinct AS nulls_not_distinct,
       am.amname AS method,
       pg_catalog.pg_get_expr(i.indpred, i.indrelid) AS predicate,
       k.ord AS part,
       CASE WHEN k.attnum > 0 THEN a.attname END AS column_name,
       CASE WHEN k.attnum = 0 THEN pg_catalog.pg_get_indexdef(i.indexrelid, k.ord::int, true) END AS expression,
       (i.indoption[k.ord::int - 1] & 1) = 1 AS descending,
       CASE WHEN am.amname = 'btree' THEN (i.indoption[k.ord::int - 1] & 2) = 2 END AS nulls_first,
       CASE WHEN NOT opc.opcdefault THEN opc.opcname END AS opclass,
       CASE WHEN i.indcollation[k.ord::int - 1] <> 0
             AND i.indcollation[k.ord::int - 1] <> COALESCE(a.attcollation, 0)
             AND (k.attnum > 0 OR i.indcollation[k.ord::int - 1] <> 100)
            THEN (SELECT pg_catalog.quote_ident(co.collname) FROM pg_catalog.pg_collation AS co
                  WHERE co.oid = i.indcollation[k.ord::int - 1]) END AS collation,
       k.ord > i.indnkeyatts AS included
FROM rels AS r
JOIN pg_catalog.pg_index AS i ON i.indrelid = r.oid
JOIN pg_catalog.pg_class AS ic ON ic.oid = i.indexrelid
JOIN pg_catalog.pg_am AS am ON am.oid = ic.relam
CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
LEFT JOIN pg_catalog.pg_attribute AS a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
LEFT JOIN pg_catalog.pg_opclass AS opc
       ON k.ord <= i.indnkeyatts AND opc.oid = i.indclass[k.ord::int - 1]
WHERE NOT EXISTS (
    SELECT 1 FROM pg_catalog.pg_constraint AS con
    WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x'))
  AND (r.whole OR NOT EXISTS (
    SELECT 1 FROM pg_catalog.pg_inherits AS ih WHERE ih.inhrelid = i.indexrelid))
ORDER BY 1, 2, k.ord
