-- :1 owner filter (NULL: the session's current schema); :2 and :3 the same JSON array of table
-- names (NULL: all), unpacked with JSON_TABLE (Oracle 12.2+). Reads the documented ALL_* views.
SELECT c.owner AS schema_name,
       c.table_name AS table_name,
       c.column_name AS name,
       c.column_id AS column_id,
       c.data_type || CASE
           WHEN c.data_type IN ('VARCHAR2', 'NVARCHAR2', 'CHAR', 'NCHAR')
               THEN '(' || c.char_length || CASE WHEN c.char_used = 'C' AND c.data_type IN ('VARCHAR2', 'CHAR') THEN ' CHAR' END || ')'
           WHEN c.data_type = 'RAW' THEN '(' || c.data_length || ')'
           WHEN c.data_type = 'NUMBER' AND c.data_precision IS NOT NULL
               THEN '(' || c.data_precision || CASE WHEN c.data_scale <> 0 THEN ',' || c.data_scale END || ')'
           END AS type,
       c.nullable AS nullable,
       c.data_default AS default_value,
       cc.comments AS "COMMENT",
       c.identity_column AS identity_column,
       c.virtual_column AS virtual_column
FROM all_tab_cols c
LEFT JOIN all_col_comments cc
       ON cc.owner = c.owner AND cc.table_name = c.table_name AND cc.column_name = c.column_name
WHERE c.hidden_column = 'NO'
  AND c.owner = COALESCE(:1, SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA'))
  AND (:2 IS NULL OR c.table_name IN (SELECT j.name FROM JSON_TABLE(:3, '$[*]' COLUMNS (name VARCHAR2(128) PATH '$')) j))
ORDER BY c.owner, c.table_name, c.column_id
