-- {filter:alias} becomes `AND alias.TABLE_SCHEMA = <schema>` and, when tables are filtered,
-- `AND JSON_CONTAINS(<names as one JSON array>, JSON_QUOTE(alias.TABLE_NAME))`; {schema:column}
-- becomes `column = <schema>`. <schema> is a bound parameter (the schema filter) or DATABASE().
-- Plain equalities let MariaDB read one database's tables instead of opening every table.
-- MariaDB: CHECK_CONSTRAINTS carries TABLE_NAME (check names are unique per table).
SELECT cc.CONSTRAINT_SCHEMA AS schema_name,
       cc.TABLE_NAME AS table_name,
       cc.CONSTRAINT_NAME AS name,
       cc.CHECK_CLAUSE AS expression
FROM information_schema.CHECK_CONSTRAINTS AS cc
WHERE 1 = 1
  {filter:cc/CONSTRAINT_SCHEMA}
ORDER BY cc.CONSTRAINT_SCHEMA, cc.TABLE_NAME, cc.CONSTRAINT_NAME
