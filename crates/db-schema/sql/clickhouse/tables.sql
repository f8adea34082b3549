-- Tables, views and materialized views of one database. Placeholders, replaced with escaped
-- literals by the engine (ClickHouse 18.16 has no server-side parameters):
--   {database}: the database filter ('name' or currentDatabase())
--   {tables}:   the table filter (1 or name IN ('a', 'b'))
--   {comment}:  the table comment column (comment on servers that have it, '' before)
SELECT database,
       name,
       engine,
       engine_full,
       partition_key,
       sorting_key,
       primary_key,
       sampling_key,
       create_table_query,
       {comment} AS comment
FROM system.tables
WHERE database = {database}
  AND is_temporary = 0
  AND NOT startsWith(name, '.inner')
  AND {tables}
