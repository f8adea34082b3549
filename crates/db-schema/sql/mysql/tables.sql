-- Parameters (every query): schema, schema, tables JSON, tables JSON. A NULL schema means the
-- connection's database, or every user database when the connection has none.
SELECT t.TABLE_SCHEMA AS schema_name,
       t.TABLE_NAME AS name,
       t.TABLE_TYPE AS kind,
       t.TABLE_COMMENT AS comment,
       t.ENGINE AS engine,
       t.TABLE_COLLATION AS collation,
       t.CREATE_OPTIONS AS create_options,
       v.VIEW_DEFINITION AS definition
FROM information_schema.TABLES AS t
LEFT JOIN information_schema.VIEWS AS v
       ON v.TABLE_SCHEMA = t.TABLE_SCHEMA AND v.TABLE_NAME = t.TABLE_NAME
WHERE 1 = 1
  AND (t.TABLE_SCHEMA = COALESCE(?, DATABASE())
       OR (? IS NULL AND DATABASE() IS NULL
           AND t.TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')))
  AND (? IS NULL OR JSON_CONTAINS(?, JSON_QUOTE(t.TABLE_NAME)))
ORDER BY t.TABLE_SCHEMA, t.TABLE_NAME
