-- @P1: schema filter (NULL: every user schema); @P2: JSON array of table names (NULL: all).
-- Reads the documented catalog views sys.objects, sys.schemas, ... (SQL Server 2016+ for OPENJSON).
SELECT s.name AS schema_name,
       o.name AS table_name,
       c.name AS name,
       c.column_id AS column_id,
       ty.name + CASE
           WHEN ty.is_user_defined = 1 THEN ''
           WHEN ty.name IN ('varchar', 'char', 'varbinary', 'binary')
               THEN '(' + CASE WHEN c.max_length = -1 THEN 'max' ELSE CAST(c.max_length AS varchar(10)) END + ')'
           WHEN ty.name IN ('nvarchar', 'nchar')
               THEN '(' + CASE WHEN c.max_length = -1 THEN 'max' ELSE CAST(c.max_length / 2 AS varchar(10)) END + ')'
           WHEN ty.name IN ('decimal', 'numeric')
               THEN '(' + CAST(c.precision AS varchar(10)) + ',' + CAST(c.scale AS varchar(10)) + ')'
           WHEN ty.name IN ('datetime2', 'time', 'datetimeoffset')
               THEN '(' + CAST(c.scale AS varchar(10)) + ')'
           ELSE '' END AS type,
       c.is_nullable AS is_nullable,
       dc.definition AS default_value,
       CAST(ep.value AS nvarchar(max)) AS comment,
       c.is_identity AS is_identity,
       cc.definition AS computed,
       c.collation_name AS collation
FROM sys.columns AS c
JOIN sys.objects AS o ON o.object_id = c.object_id
JOIN sys.schemas AS s ON s.schema_id = o.schema_id
JOIN sys.types AS ty ON ty.user_type_id = c.user_type_id
LEFT JOIN sys.default_constraints AS dc ON dc.object_id = c.default_object_id
LEFT JOIN sys.computed_columns AS cc ON cc.object_id = c.object_id AND cc.column_id = c.column_id
LEFT JOIN sys.extended_properties AS ep
       ON ep.class = 1 AND ep.major_id = c.object_id AND ep.minor_id = c.column_id AND ep.name = 'MS_Description'
WHERE o.type IN ('U', 'V') AND o.is_ms_shipped = 0
  AND ((@P1 IS NULL AND s.name NOT IN ('sys', 'INFORMATION_SCHEMA', 'guest')) OR s.name = @P1)
  AND (@P2 IS NULL OR o.name IN (SELECT [value] FROM OPENJSON(@P2)))
ORDER BY s.name, o.name, c.column_id
