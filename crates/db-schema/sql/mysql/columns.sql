-- Parameters (every query): schema, schema, tables JSON, tables JSON. A NULL schema means the
-- connection's database, or every user database when the connection has none.
SELECT c.TABLE_SCHEMA AS schema_name,
       c.TABLE_NAME AS table_name,
       c.COLUMN_NAME AS name,
       c.ORDINAL_POSITION AS position,
       c.COLUMN_TYPE AS type,
       c.DATA_TYPE AS data_type,
       c.IS_NULLABLE AS nullable,
       c.COLUMN_DEFAULT AS default_value,
       c.COLUMN_COMMENT AS comment,
       c.EXTRA AS extra,
       c.COLLATION_NAME AS collation,
       c.GENERATION_EXPRESSION AS generation_expression
FROM information_schema.COLUMNS AS c
WHERE 1 = 1
  AND (c.TABLE_SCHEMA = COALESCE(?, DATABASE())
       OR (? IS NULL AND DATABASE() IS NULL
           AND c.TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')))
  AND (? IS NULL OR JSON_CONTAINS(?, JSON_QUOTE(c.TABLE_NAME)))
ORDER BY c.TABLE_SCHEMA, c.TABLE_NAME, c.ORDINAL_POSITION
