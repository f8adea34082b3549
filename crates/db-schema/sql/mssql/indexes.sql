-- @P1: schema filter (NULL: every user schema); @P2: JSON array of table names (NULL: all).
-- Reads the documented catalog views sys.objects, sys.schemas, ... (SQL Server 2016+ for OPENJSON).
-- Indexes other than those behind PRIMARY KEY / UNIQUE constraints; key columns first, then
-- INCLUDE columns.
SELECT s.name AS schema_name,
       o.name AS table_name,
       i.name AS name,
       i.is_unique AS is_unique,
       i.type_desc AS method,
       i.filter_definition AS predicate,
       col.name AS column_name,
       ic.key_ordinal AS key_ordinal,
       ic.is_descending_key AS is_descending,
       ic.is_included_column AS is_included
FROM sys.indexes AS i
JOIN sys.objects AS o ON o.object_id = i.object_id
JOIN sys.schemas AS s ON s.schema_id = o.schema_id
JOIN sys.index_columns AS ic ON ic.object_id = i.object_id AND ic.index_id = i.index_id
JOIN sys.columns AS col ON col.object_id = ic.object_id AND col.column_id = ic.column_id
WHERE i.type > 0 AND i.is_primary_key = 0 AND i.is_unique_constraint = 0 AND i.is_hypothetical = 0
  AND o.is_ms_shipped = 0
  AND ((@P1 IS NULL AND s.name NOT IN ('sys', 'INFORMATION_SCHEMA', 'guest')) OR s.name = @P1)
  AND (@P2 IS NULL OR o.name IN (SELECT [value] FROM OPENJSON(@P2)))
ORDER BY s.name, o.name, i.name, ic.is_included_column, ic.key_ordinal, ic.index_column_id
