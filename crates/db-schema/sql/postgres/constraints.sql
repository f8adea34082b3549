-- Primary keys, foreign keys, unique, check and exclusion constraints. $1, $2 as above.
-- Column lists travel as JSON text arrays in key order.
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
SELECT con.conrelid::int8 AS oid,
       con.conname AS name,
       con.contype::text AS type,
       (SELECT json_agg(a.attname ORDER BY k.ord)
          FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
          JOIN pg_catalog.pg_attribute AS a ON a.attrelid = con.conrelid AND a.attnum = k.attnum)::text AS columns,
       fn.nspname AS referenced_schema,
       fc.relname AS referenced_table,
       (SELECT json_agg(a.attname ORDER BY k.ord)
          FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
          JOIN pg_catalog.pg_attribute AS a ON a.attrelid = con.confrelid AND a.attnum = k.attnum)::text AS referenced_columns,
       NULLIF(con.confdeltype::text, ' ') AS on_delete,
       NULLIF(con.confupdtype::text, ' ') AS on_update,
       CASE WHEN con.contype = 'c' THEN pg_catalog.pg_get_expr(con.conbin, con.conrelid) END AS expression,
       pg_catalog.pg_get_constraintdef(con.oid, true) AS definition
FROM rels AS r
JOIN pg_catalog.pg_constraint AS con ON con.conrelid = r.oid
LEFT JOIN pg_catalog.pg_class AS fc ON fc.oid = con.confrelid
LEFT JOIN pg_catalog.pg_namespace AS fn ON fn.oid = fc.relnamespace
WHERE con.contype IN ('p', 'f', 'u', 'c', 'x')
ORDER BY 1, 2
