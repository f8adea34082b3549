-- @P1: schema filter (NULL: every user schema); @P2: JSON array of table names (NULL: all).
-- Reads the documented catalog views sys.objects, sys.schemas, ... (SQL Server 2016+ for OPENJSON).
SELECT s.name AS schema_name,
       o.name AS name,
       RTRIM(o.type) AS kind,
       CAST(ep.value AS nvarchar(max)) AS comment,
       m.definition AS definition
FROM sys.objects AS o
JOIN sys.schemas AS s ON s.schema_id = o.schema_id
LEFT JOIN sys.extended_properties AS ep
       ON ep.class = 1 AND ep.major_id = o.object_id AND ep.minor_id = 0 AND ep.name = 'MS_Description'
LEFT JOIN sys.sql_modules AS m ON m.object_id = o.object_id
WHERE o.type IN ('U', 'V') AND o.is_ms_shipped = 0
  AND ((@P1 IS NULL AND s.name NOT IN ('sys', 'INFORMATION_SCHEMA', 'guest')) OR s.name = @P1)
  AND (@P2 IS NULL OR o.name IN (SELECT [value] FROM OPENJSON(@P2)))
ORDER BY s.name, o.name
