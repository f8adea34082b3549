-- Primary keys, foreign keys, unique, check and exclusion constraints of the relations in scope
-- (scope.sql); for a folded partition only the ones it declares itself (not cloned from its
-- parent). Column lists travel as JSON text arrays in key order (one index scan per list:
-- `attnum = ANY`, ordered by the position in the key, no per-row join). `definition` is
-- pg_get_constraintdef's text, read for exclusion constraints only; `include` the INCLUDE
-- columns of a primary key's or unique constraint's index.
SELECT con.conrelid::int8 AS oid,
       con.conname AS name,
       con.contype::text AS type,
       (SELECT json_agg(a.attname ORDER BY pg_catalog.array_position(con.conkey, a.attnum))
          FROM pg_catalog.pg_attribute AS a
          WHERE a.attrelid = con.conrelid AND a.attnum = ANY (con.conkey))::text AS columns,
       fn.nspname AS referenced_schema,
       fc.relname AS referenced_table,
       (SELECT json_agg(a.attname ORDER BY pg_catalog.array_position(con.confkey, a.attnum))
          FROM pg_catalog.pg_attribute AS a
          WHERE a.attrelid = con.confrelid AND a.attnum = ANY (con.confkey))::text AS referenced_columns,
       NULLIF(con.confdeltype::text, ' ') AS on_delete,
       NULLIF(con.confupdtype::text, ' ') AS on_update,
       con.condeferrable AS deferrable,
       con.condeferred AS initially_deferred,
       NOT con.convalidated AS not_valid,
       COALESCE(ix.indnullsnotdistinct, false) AS nulls_not_distinct,
       CASE WHEN ix.indnatts > ix.indnkeyatts THEN
            (SELECT json_agg(a.attname ORDER BY k.ord)
               FROM unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_catalog.pg_attribute AS a
                 ON a.attrelid = con.conrelid AND a.attnum = k.attnum
              WHERE k.ord > ix.indnkeyatts)::text END AS include,
       CASE WHEN con.contype = 'c' THEN pg_catalog.pg_get_expr(con.conbin, con.conrelid) END AS expression,
       CASE WHEN con.contype = 'x' THEN pg_catalog.pg_get_constraintdef(con.oid, true) END AS definition
FROM rels AS r
JOIN pg_catalog.pg_constraint AS con ON con.conrelid = r.oid
LEFT JOIN pg_catalog.pg_class AS fc ON fc.oid = con.confrelid
LEFT JOIN pg_catalog.pg_namespace AS fn ON fn.oid = fc.relnamespace
LEFT JOIN pg_catalog.pg_index AS ix ON ix.indexrelid = con.conindid AND con.contype IN ('p', 'u')
WHERE con.contype IN ('p', 'f', 'u', 'c', 'x')
  AND (r.whole OR (con.conislocal AND con.conparentid = 0))
ORDER BY 1, 2
