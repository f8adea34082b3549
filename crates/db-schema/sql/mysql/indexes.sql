-- Parameters (every query): schema, schema, tables JSON, tables JSON. A NULL schema means the
-- connection's database, or every user database when the connection has none.
-- Index parts except the primary key's. `EXPRESSION` (functional key parts) exists from
-- MySQL 8.0.13; elsewhere it is replaced by NULL.
SELECT s.TABLE_SCHEMA AS schema_name,
       s.TABLE_NAME AS table_name,
       s.INDEX_NAME AS name,
       s.NON_UNIQUE AS non_unique,
       s.SEQ_IN_INDEX AS seq,
       s.COLUMN_NAME AS column_name,
       /*expression*/s.EXPRESSION AS expression,
       s.COLLATION AS collation,
       s.SUB_PART AS sub_part,
       s.INDEX_TYPE AS method,
       s.INDEX_COMMENT AS comment
FROM information_schema.STATISTICS AS s
WHERE s.INDEX_NAME <> 'PRIMARY'
  AND (s.TABLE_SCHEMA = COALESCE(?, DATABASE())
       OR (? IS NULL AND DATABASE() IS NULL
           AND s.TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')))
  AND (? IS NULL OR JSON_CONTAINS(?, JSON_QUOTE(s.TABLE_NAME)))
ORDER BY s.TABLE_SCHEMA, s.TABLE_NAME, s.INDEX_NAME, s.SEQ_IN_INDEX
