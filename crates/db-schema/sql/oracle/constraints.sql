-- :1 owner filter (NULL: the session's current schema); :2 and :3 the same JSON array of table
-- names (NULL: all), unpacked with JSON_TABLE (Oracle 12.2+). Reads the documented ALL_* views.
-- P (primary key), U (unique), R (foreign key), C (check), one row per column.
SELECT con.owner AS schema_name,
       con.table_name AS table_name,
       con.constraint_name AS name,
       con.constraint_type AS type,
       con.generated AS generated,
       con.search_condition_vc AS condition,
       con.delete_rule AS delete_rule,
       col.column_name AS column_name,
       col.position AS position,
       rcon.owner AS referenced_schema,
       rcon.table_name AS referenced_table,
       rcol.column_name AS referenced_column
FROM all_constraints con
LEFT JOIN all_cons_columns col
       ON col.owner = con.owner AND col.constraint_name = con.constraint_name AND col.table_name = con.table_name
LEFT JOIN all_constraints rcon ON rcon.owner = con.r_owner AND rcon.constraint_name = con.r_constraint_name
LEFT JOIN all_cons_columns rcol
       ON rcol.owner = rcon.owner AND rcol.constraint_name = rcon.constraint_name AND rcol.position = col.position
WHERE con.constraint_type IN ('P', 'U', 'R', 'C')
  AND con.owner = COALESCE(:1, SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA'))
  AND (:2 IS NULL OR con.table_name IN (SELECT j.name FROM JSON_TABLE(:3, '$[*]' COLUMNS (name VARCHAR2(128) PATH '$')) j))
ORDER BY con.owner, con.table_name, con.constraint_name, col.position
