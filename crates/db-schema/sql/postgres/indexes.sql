-- Index key parts (one row per part), except indexes that implement a primary key, unique or
-- exclusion constraint (those are reported as constraints). $1, $2 as above.
WITH rels AS (
    SELECT c.oid
    FROM pg_catalog.pg_class AS c
    JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
      AND NOT c.relispartition
      AND (($1::text IS NULL
            AND n.nspname NOT IN ('pg_catalog', 'information_schema')
            AND n.nspname NOT LIKE 'pg\_toast%'
            AND n.nspname NOT LIKE 'pg\_temp\_%')
           OR n.nspname = $1::text)
      AND ($2::text[] IS NULL OR c.relname = ANY($2::text[]))
)
SELECT i.indrelid::int8 AS oid,
       ic.relname AS name,
       i.indisunique AS is_unique,
       am.amname AS method,
       pg_catalog.pg_get_expr(i.indpred, i.indrelid) AS predicate,
       k.ord AS part,
       CASE WHEN k.attnum > 0 THEN a.attname END AS column_name,
       CASE WHEN k.attnum = 0 THEN pg_catalog.pg_get_indexdef(i.indexrelid, k.ord::int, true) END AS expression,
       (i.indoption[k.ord::int - 1] & 1) = 1 AS descending,
       k.ord > i.indnkeyatts AS included
FROM rels AS r
JOIN pg_catalog.pg_index AS i ON i.indrelid = r.oid
JOIN pg_catalog.pg_class AS ic ON ic.oid = i.indexrelid
JOIN pg_catalog.pg_am AS am ON am.oid = ic.relam
CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
LEFT JOIN pg_catalog.pg_attribute AS a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
WHERE NOT EXISTS (
    SELECT 1 FROM pg_catalog.pg_constraint AS con
    WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x'))
ORDER BY 1, 2, k.ord
