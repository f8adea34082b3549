-- {filter:alias} becomes `AND alias.TABLE_SCHEMA = <schema>` and, when tables are filtered,
-- `AND JSON_CONTAINS(<names as one JSON array>, JSON_QUOTE(alias.TABLE_NAME))`; {schema:column}
-- becomes `column = <schema>`. <schema> is a bound parameter (the schema filter) or DATABASE().
-- Plain equalities let MariaDB read one database's tables instead of opening every table.
-- MySQL: CHECK_CONSTRAINTS has no TABLE_NAME (check names are unique per schema), so it is
-- joined to TABLE_CONSTRAINTS (MySQL 8's catalog views are indexed; MariaDB uses
-- checks_mariadb.sql).
SELECT tc.TABLE_SCHEMA AS schema_name,
       tc.TABLE_NAME AS table_name,
       tc.CONSTRAINT_NAME AS name,
       cc.CHECK_CLAUSE AS expression
FROM information_schema.TABLE_CONSTRAINTS AS tc
JOIN information_schema.CHECK_CONSTRAINTS AS cc
  ON cc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA
 AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME
 AND {schema:cc.CONSTRAINT_SCHEMA}
WHERE tc.CONSTRAINT_TYPE = 'CHECK'
  {filter:tc}
ORDER BY tc.TABLE_SCHEMA, tc.TABLE_NAME, tc.CONSTRAINT_NAME
