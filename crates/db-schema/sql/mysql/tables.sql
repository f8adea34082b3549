-- {filter:alias} becomes `AND alias.TABLE_SCHEMA = <schema>` and, when tables are filtered,
-- `AND JSON_CONTAINS(<names as one JSON array>, JSON_QUOTE(alias.TABLE_NAME))`; {schema:column}
-- becomes `column = <schema>`. <schema> is a bound parameter (the schema filter) or DATABASE().
-- Plain equalities let MariaDB read one database's tables instead of opening every table.
SELECT t.TABLE_SCHEMA AS schema_name,
       t.TABLE_NAME AS name,
       t.TABLE_TYPE AS kind,
       t.TABLE_COMMENT AS comment,
       t.ENGINE AS engine,
       t.TABLE_COLLATION AS collation,
       t.CREATE_OPTIONS AS create_options
FROM information_schema.TABLES AS t
WHERE 1 = 1
  {filter:t}
ORDER BY t.TABLE_SCHEMA, t.TABLE_NAME
