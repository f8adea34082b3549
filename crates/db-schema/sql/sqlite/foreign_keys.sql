-- Every foreign key column pair; `id` groups the pairs of one key.
SELECT m.name AS table_name,
       f.id AS id,
       f.seq AS seq,
       f."table" AS referenced_table,
       f."from" AS column_name,
       f."to" AS referenced_column,
       f.on_update AS on_update,
       f.on_delete AS on_delete
FROM sqlite_schema AS m
JOIN pragma_foreign_key_list(m.name) AS f
WHERE m.type = 'table'
  AND m.name NOT LIKE 'sqlite\_%' ESCAPE '\'
  AND (?1 IS NULL OR ?1 = 'main')
  AND (?2 IS NULL OR m.name IN (SELECT value FROM json_each(?2)))
ORDER BY m.name, f.id, f.seq
