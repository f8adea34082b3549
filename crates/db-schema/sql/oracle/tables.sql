-- :1 owner filter (NULL: the session's current schema); :2 and :3 the same JSON array of table
-- names (NULL: all), unpacked with JSON_TABLE (Oracle 12.2+). Reads the documented ALL_* views.
SELECT o.owner AS schema_name,
       o.object_name AS name,
       o.object_type AS kind,
       c.comments AS "COMMENT",
       v.text_vc AS definition
FROM all_objects o
LEFT JOIN all_tab_comments c ON c.owner = o.owner AND c.table_name = o.object_name
LEFT JOIN all_views v ON v.owner = o.owner AND v.view_name = o.object_name
WHERE o.object_type IN ('TABLE', 'VIEW', 'MATERIALIZED VIEW')
  AND o.object_name NOT LIKE 'BIN$%'
  AND NOT (o.object_type = 'TABLE' AND EXISTS (
        SELECT 1 FROM all_mviews m WHERE m.owner = o.owner AND m.mview_name = o.object_name))
  AND o.owner = COALESCE(:1, SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA'))
  AND (:2 IS NULL OR o.object_name IN (SELECT j.name FROM JSON_TABLE(:3, '$[*]' COLUMNS (name VARCHAR2(128) PATH '$')) j))
ORDER BY o.owner, o.object_name
