-- {filter:alias} becomes `AND alias.TABLE_SCHEMA = <schema>` and, when tables are filtered,
-- `AND JSON_CONTAINS(<names as one JSON array>, JSON_QUOTE(alias.TABLE_NAME))`; {schema:column}
-- becomes `column = <schema>`. <schema> is a bound parameter (the schema filter) or DATABASE().
-- Plain equalities let MariaDB read one database's tables instead of opening every table.
SELECT p.TABLE_SCHEMA AS schema_name,
       p.TABLE_NAME AS table_name,
       p.PARTITION_NAME AS name,
       p.PARTITION_METHOD AS method,
       p.PARTITION_EXPRESSION AS expression,
       p.PARTITION_DESCRIPTION AS description
FROM information_schema.PARTITIONS AS p
WHERE p.PARTITION_NAME IS NOT NULL
  {filter:p}
ORDER BY p.TABLE_SCHEMA, p.TABLE_NAME, p.PARTITION_ORDINAL_POSITION
