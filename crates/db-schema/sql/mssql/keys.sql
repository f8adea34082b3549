-- @P1: schema filter (NULL: every user schema); @P2: JSON array of table names (NULL: all).
-- Reads the documented catalog views sys.objects, sys.schemas, ... (SQL Server 2016+ for OPENJSON).
-- Primary keys (PK) and unique constraints (UQ), one row per key column.
SELECT s.name AS schema_name,
       o.name AS table_name,
       kc.name AS name,
       kc.type AS type,
       col.name AS column_name,
       ic.key_ordinal AS key_ordinal
FROM sys.key_constraints AS kc
JOIN sys.objects AS o ON o.object_id = kc.parent_object_id
JOIN sys.schemas AS s ON s.schema_id = o.schema_id
JOIN sys.index_columns AS ic ON ic.object_id = kc.parent_object_id AND ic.index_id = kc.unique_index_id
JOIN sys.columns AS col ON col.object_id = ic.object_id AND col.column_id = ic.column_id
WHERE ((@P1 IS NULL AND s.name NOT IN ('sys', 'INFORMATION_SCHEMA', 'guest')) OR s.name = @P1)
  AND (@P2 IS NULL OR o.name IN (SELECT [value] FROM OPENJSON(@P2)))
ORDER BY s.name, o.name, kc.name, ic.key_ordinal
