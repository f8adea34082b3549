-- Enum types and their labels in sort order. $1: schema filter.
SELECT n.nspname AS schema_name,
       t.typname AS name,
       json_agg(e.enumlabel ORDER BY e.enumsortorder)::text AS labels
FROM pg_catalog.pg_type AS t
JOIN pg_catalog.pg_enum AS e ON e.enumtypid = t.oid
JOIN pg_catalog.pg_namespace AS n ON n.oid = t.typnamespace
WHERE ($1::text IS NULL AND n.nspname NOT IN ('pg_catalog', 'information_schema')) OR n.nspname = $1::text
GROUP BY 1, 2
ORDER BY 1, 2
