-- Parameters (every query): schema, schema, tables JSON, tables JSON. A NULL schema means the
-- connection's database, or every user database when the connection has none.
SELECT p.TABLE_SCHEMA AS schema_name,
       p.TABLE_NAME AS table_name,
       p.PARTITION_NAME AS name,
       p.PARTITION_METHOD AS method,
       p.PARTITION_EXPRESSION AS expression,
       p.PARTITION_DESCRIPTION AS description
FROM information_schema.PARTITIONS AS p
WHERE p.PARTITION_NAME IS NOT NULL
  AND (p.TABLE_SCHEMA = COALESCE(?, DATABASE())
       OR (? IS NULL AND DATABASE() IS NULL
           AND p.TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')))
  AND (? IS NULL OR JSON_CONTAINS(?, JSON_QUOTE(p.TABLE_NAME)))
ORDER BY p.TABLE_SCHEMA, p.TABLE_NAME, p.PARTITION_ORDINAL_POSITION
