-- Enum types with their labels in sort order, and domains with their base type, NOT NULL,
-- default and checks (JSON text). $1: schema filter.
SELECT 'enum' AS kind,
       n.nspname AS schema_name,
       t.typname AS name,
       json_agg(e.enumlabel ORDER BY e.enumsortorder)::text AS labels,
       NULL::text AS base_type,
       NULL::bool AS not_null,
       NULL::text AS default_value,
       NULL::text AS checks
FROM pg_catalog.pg_type AS t
JOIN pg_catalog.pg_enum AS e ON e.enumtypid = t.oid
JOIN pg_catalog.pg_namespace AS n ON n.oid = t.typnamespace
WHERE ($1::text IS NULL AND n.nspname NOT IN ('pg_catalog', 'information_schema')) OR n.nspname = $1::text
GROUP BY 1, 2, 3
UNION ALL
SELECT 'domain',
       n.nspname,
       t.typname,
       NULL,
       pg_catalog.format_type(t.typbasetype, t.typtypmod),
       t.typnotnull,
       t.typdefault,
       (SELECT json_agg(json_build_object(
                   'name', c.conname,
                   'expression', pg_catalog.pg_get_expr(c.conbin, 0),
                   'not_valid', NOT c.convalidated) ORDER BY c.conname)
          FROM pg_catalog.pg_constraint AS c
          WHERE c.contypid = t.oid AND c.contype = 'c')::text
FROM pg_catalog.pg_type AS t
JOIN pg_catalog.pg_namespace AS n ON n.oid = t.typnamespace
WHERE t.typtype = 'd'
  AND (($1::text IS NULL AND n.nspname NOT IN ('pg_catalog', 'information_schema')) OR n.nspname = $1::text)
ORDER BY 1, 2, 3
