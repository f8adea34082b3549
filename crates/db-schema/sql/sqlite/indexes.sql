-- Every index key part; `origin` is `c` (CREATE INDEX), `u` (UNIQUE constraint) or `pk`.
-- cid = -2 marks an expression part, whose text comes from the index's SQL.
SELECT m.name AS table_name,
       il.name AS index_name,
       il."unique" AS is_unique,
       il.origin AS origin,
       il.partial AS partial,
       ix.sql AS sql,
       ii.seqno AS seqno,
       ii.cid AS cid,
       ii.name AS column_name,
       ii."desc" AS descending,
       ii.coll AS collation
FROM sqlite_schema AS m
JOIN pragma_index_list(m.name) AS il
JOIN pragma_index_xinfo(il.name) AS ii
LEFT JOIN sqlite_schema AS ix ON ix.type = 'index' AND ix.name = il.name
WHERE m.type = 'table'
  AND ii.key = 1
  AND m.name NOT LIKE 'sqlite\_%' ESCAPE '\'
  AND (?1 IS NULL OR ?1 = 'main')
  AND (?2 IS NULL OR m.name IN (SELECT value FROM json_each(?2)))
ORDER BY m.name, il.name, ii.seqno
