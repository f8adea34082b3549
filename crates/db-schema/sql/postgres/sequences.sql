-- Sequences other than those behind identity columns (identity is reported on the column).
-- $1: schema filter. `owned_by` is the column a serial sequence belongs to.
SELECT n.nspname AS schema_name,
       c.relname AS name,
       pg_catalog.format_type(s.seqtypid, NULL) AS type,
       s.seqstart::text AS start,
       s.seqincrement::text AS increment,
       CASE WHEN oc.oid IS NOT NULL
            THEN json_build_array(on2.nspname, oc.relname, oa.attname)::text END AS owned_by
FROM pg_catalog.pg_sequence AS s
JOIN pg_catalog.pg_class AS c ON c.oid = s.seqrelid
JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_depend AS dep
       ON dep.objid = c.oid AND dep.classid = 'pg_catalog.pg_class'::regclass
      AND dep.refclassid = 'pg_catalog.pg_class'::regclass AND dep.deptype IN ('a', 'i')
LEFT JOIN pg_catalog.pg_class AS oc ON oc.oid = dep.refobjid
LEFT JOIN pg_catalog.pg_namespace AS on2 ON on2.oid = oc.relnamespace
LEFT JOIN pg_catalog.pg_attribute AS oa ON oa.attrelid = dep.refobjid AND oa.attnum = dep.refobjsubid
WHERE (dep.deptype IS NULL OR dep.deptype <> 'i')
  AND (($1::text IS NULL AND n.nspname NOT IN ('pg_catalog', 'information_schema')) OR n.nspname = $1::text)
ORDER BY 1, 2
