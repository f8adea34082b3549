-- Tables, partitioned tables, views, materialized views and foreign tables.
-- $1: schema filter (NULL: every non-system schema); $2: table names (NULL: all).
-- Partitions are returned too (flagged) so their parent can list them; the model hides them.
SELECT c.oid::int8 AS oid,
       n.nspname AS schema_name,
       c.relname AS name,
       c.relkind::text AS kind,
       d.description AS comment,
       CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END AS definition,
       c.relispartition AS is_partition,
       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partition_key,
       CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END AS partition_bound,
       pn.nspname AS parent_schema,
       pc.relname AS parent_name
FROM pg_catalog.pg_class AS c
JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_description AS d
       ON d.objoid = c.oid AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = 0
LEFT JOIN pg_catalog.pg_inherits AS i ON i.inhrelid = c.oid AND c.relispartition
LEFT JOIN pg_catalog.pg_class AS pc ON pc.oid = i.inhparent
LEFT JOIN pg_catalog.pg_namespace AS pn ON pn.oid = pc.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
  AND (($1::text IS NULL
        AND n.nspname NOT IN ('pg_catalog', 'information_schema')
        AND n.nspname NOT LIKE 'pg\_toast%'
        AND n.nspname NOT LIKE 'pg\_temp\_%')
       OR n.nspname = $1::text)
  AND ($2::text[] IS NULL OR c.relname = ANY($2::text[]) OR pc.relname = ANY($2::text[]))
ORDER BY 2, 3
