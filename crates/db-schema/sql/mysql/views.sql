-- {filter:alias} becomes `AND alias.TABLE_SCHEMA = <schema>` and, when tables are filtered,
-- `AND JSON_CONTAINS(<names as one JSON array>, JSON_QUOTE(alias.TABLE_NAME))`; {schema:column}
-- becomes `column = <schema>`. <schema> is a bound parameter (the schema filter) or DATABASE().
-- Plain equalities let MariaDB read one database's tables instead of opening every table.
-- View definitions (matched to tables.sql rows by schema and name; not joined, see keys.sql).
SELECT v.TABLE_SCHEMA AS schema_name,
       v.TABLE_NAME AS name,
       v.VIEW_DEFINITION AS definition
FROM information_schema.VIEWS AS v
WHERE 1 = 1
  {filter:v}
ORDER BY v.TABLE_SCHEMA, v.TABLE_NAME
