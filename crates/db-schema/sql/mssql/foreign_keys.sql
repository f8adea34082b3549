-- @P1: schema filter (NULL: every user schema); @P2: JSON array of table names (NULL: all).
-- Reads the documented catalog views sys.objects, sys.schemas, ... (SQL Server 2016+ for OPENJSON).
SELECT s.name AS schema_name,
       o.name AS table_name,
       fk.name AS name,
       pc.name AS column_name,
       rs.name AS referenced_schema,
       ro.name AS referenced_table,
       rc.name AS referenced_column,
       fk.delete_referential_action_desc AS on_delete,
       fk.update_referential_action_desc AS on_update,
       fkc.constraint_column_id AS ordinal
FROM sys.foreign_keys AS fk
JOIN sys.foreign_key_columns AS fkc ON fkc.constraint_object_id = fk.object_id
JOIN sys.objects AS o ON o.object_id = fk.parent_object_id
JOIN sys.schemas AS s ON s.schema_id = o.schema_id
JOIN sys.columns AS pc ON pc.object_id = fkc.parent_object_id AND pc.column_id = fkc.parent_column_id
JOIN sys.objects AS ro ON ro.object_id = fk.referenced_object_id
JOIN sys.schemas AS rs ON rs.schema_id = ro.schema_id
JOIN sys.columns AS rc ON rc.object_id = fkc.referenced_object_id AND rc.column_id = fkc.referenced_column_id
WHERE ((@P1 IS NULL AND s.name NOT IN ('sys', 'INFORMATION_SCHEMA', 'guest')) OR s.name = @P1)
  AND (@P2 IS NULL OR o.name IN (SELECT [value] FROM OPENJSON(@P2)))
ORDER BY s.name, o.name, fk.name, fkc.constraint_column_id
