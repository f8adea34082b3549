-- @P1: schema filter (NULL: every user schema); @P2: JSON array of table names (NULL: all).
-- Reads the documented catalog views sys.objects, sys.schemas, ... (SQL Server 2016+ for OPENJSON).
SELECT s.name AS schema_name,
       o.name AS table_name,
       ck.name AS name,
       ck.definition AS definition
FROM sys.check_constraints AS ck
JOIN sys.objects AS o ON o.object_id = ck.parent_object_id
JOIN sys.schemas AS s ON s.schema_id = o.schema_id
WHERE ((@P1 IS NULL AND s.name NOT IN ('sys', 'INFORMATION_SCHEMA', 'guest')) OR s.name = @P1)
  AND (@P2 IS NULL OR o.name IN (SELECT [value] FROM OPENJSON(@P2)))
ORDER BY s.name, o.name, ck.name
