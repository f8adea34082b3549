-- {filter:alias} becomes `AND alias.TABLE_SCHEMA = <schema>` and, when tables are filtered,
-- `AND JSON_CONTAINS(<names as one JSON array>, JSON_QUOTE(alias.TABLE_NAME))`; {schema:column}
-- becomes `column = <schema>`. <schema> is a bound parameter (the schema filter) or DATABASE().
-- Plain equalities let MariaDB read one database's tables instead of opening every table.
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
  {filter:c}
ORDER BY c.TABLE_SCHEMA, c.TABLE_NAME, c.ORDINAL_POSITION
