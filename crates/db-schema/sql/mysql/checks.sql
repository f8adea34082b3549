-- {filter:alias} becomes `AND alias.TABLE_SCHEMA = <schema>` and, when tables are filtered,
-- `AND JSON_CONTAINS(<names as one JSON array>, JSON_QUOTE(alias.TABLE_NAME))`; {schema:column}
-- becomes `column = <schema>`. <schema> is a bound parameter (the schema filter) or DATABASE().
-- Plain equalities let MariaDB read one database's tables instead of opening every table.
-- MySQL's CHECK_CONSTRAINTS has no TABLE_NAME (names are unique per schema); MariaDB's has
-- one (names are unique per table) and the join gains `AND cc.TABLE_NAME = tc.TABLE_NAME`.
SELECT tc.TABLE_SCHEMA AS schema_name,
       tc.TABLE_NAME AS table_name,
       tc.CONSTRAINT_NAME AS name,
       cc.CHECK_CLAUSE AS expression
FROM information_schema.TABLE_CONSTRAINTS AS tc
JOIN information_schema.CHECK_CONSTRAINTS AS cc
  ON cc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA
 AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME
 AND {schema:cc.CONSTRAINT_SCHEMA}
 /*mariadb: table join*/
WHERE tc.CONSTRAINT_TYPE = 'CHECK'
  {filter:tc}
ORDER BY tc.TABLE_SCHEMA, tc.TABLE_NAME, tc.CONSTRAINT_NAME
