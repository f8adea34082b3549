-- :1 owner filter (NULL: the session's current schema); :2 and :3 the same JSON array of table
-- names (NULL: all), unpacked with JSON_TABLE (Oracle 12.2+). Reads the documented ALL_* views.
-- Indexes other than those enforcing primary key or unique constraints, one row per key part.
-- Descending and function-based parts have a system column name and an expression.
SELECT i.table_owner AS schema_name,
       i.table_name AS table_name,
       i.index_name AS name,
       i.uniqueness AS uniqueness,
       i.index_type AS index_type,
       ic.column_name AS column_name,
       ic.column_position AS position,
       ic.descend AS descend,
       ie.column_expression AS expression
FROM all_indexes i
JOIN all_ind_columns ic ON ic.index_owner = i.owner AND ic.index_name = i.index_name
LEFT JOIN all_ind_expressions ie
       ON ie.index_owner = ic.index_owner AND ie.index_name = ic.index_name AND ie.column_position = ic.column_position
WHERE i.index_type <> 'LOB'
  AND NOT EXISTS (SELECT 1 FROM all_constraints c
                  WHERE c.owner = i.table_owner AND c.index_name = i.index_name AND c.constraint_type IN ('P', 'U'))
  AND i.table_owner = COALESCE(:1, SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA'))
  AND (:2 IS NULL OR i.table_name IN (SELECT j.name FROM JSON_TABLE(:3, '$[*]' COLUMNS (name VARCHAR2(128) PATH '$')) j))
ORDER BY i.table_owner, i.table_name, i.index_name, ic.column_position
