-- Data-skipping indexes (servers with system.data_skipping_indices only). Placeholders as in
-- tables.sql.
SELECT database,
       table,
       name,
       type,
       expr,
       granularity
FROM system.data_skipping_indices
WHERE database = {database}
  AND {tables}
ORDER BY database, table, name
