-- Every column of every selected table and view, one statement (table-valued pragma).
SELECT m.name AS table_name,
       p.cid AS cid,
       p.name AS name,
       p.type AS type,
       p."notnull" AS not_null,
       p.dflt_value AS default_value,
       p.pk AS pk,
       p.hidden AS hidden
FROM sqlite_schema AS m
JOIN pragma_table_xinfo(m.name) AS p
WHERE m.type IN ('table', 'view')
  AND m.name NOT LIKE 'sqlite\_%' ESCAPE '\'
  AND (?1 IS NULL OR ?1 = 'main')
  AND (?2 IS NULL OR m.name IN (SELECT value FROM json_each(?2)))
ORDER BY m.name, p.cid
