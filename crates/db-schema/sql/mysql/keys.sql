-- {filter:alias} becomes `AND alias.TABLE_SCHEMA = <schema>` and, when tables are filtered,
-- `AND JSON_CONTAINS(<names as one JSON array>, JSON_QUOTE(alias.TABLE_NAME))`; {schema:column}
-- becomes `column = <schema>`. <schema> is a bound parameter (the schema filter) or DATABASE().
-- Plain equalities let MariaDB read one database's tables instead of opening every table.
-- Primary keys (named PRIMARY), unique keys and foreign keys (with a referenced table), one row
-- per column. Catalog tables are never joined to each other: MariaDB materializes
-- information_schema tables without indexes, so joins between them grow quadratically.
SELECT k.TABLE_SCHEMA AS schema_name,
       k.TABLE_NAME AS table_name,
       k.CONSTRAINT_NAME AS name,
       k.COLUMN_NAME AS column_name,
       k.ORDINAL_POSITION AS position,
       k.REFERENCED_TABLE_SCHEMA AS referenced_schema,
       k.REFERENCED_TABLE_NAME AS referenced_table,
       k.REFERENCED_COLUMN_NAME AS referenced_column
FROM information_schema.KEY_COLUMN_USAGE AS k
WHERE 1 = 1
  {filter:k}
ORDER BY k.TABLE_SCHEMA, k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION
