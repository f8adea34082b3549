-- {filter:alias} becomes `AND alias.TABLE_SCHEMA = <schema>` and, when tables are filtered,
-- `AND JSON_CONTAINS(<names as one JSON array>, JSON_QUOTE(alias.TABLE_NAME))`; {schema:column}
-- becomes `column = <schema>`. <schema> is a bound parameter (the schema filter) or DATABASE().
-- Plain equalities let MariaDB read one database's tables instead of opening every table.
-- Referential actions of foreign keys (matched to keys.sql rows by schema, table and name).
SELECT rc.CONSTRAINT_SCHEMA AS schema_name,
       rc.TABLE_NAME AS table_name,
       rc.CONSTRAINT_NAME AS name,
       rc.UPDATE_RULE AS on_update,
       rc.DELETE_RULE AS on_delete
FROM information_schema.REFERENTIAL_CONSTRAINTS AS rc
WHERE 1 = 1
  {filter:rc/CONSTRAINT_SCHEMA}
ORDER BY rc.CONSTRAINT_SCHEMA, rc.TABLE_NAME, rc.CONSTRAINT_NAME
