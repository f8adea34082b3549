-- Columns in declaration order ({order}: position on servers that have it; 18.16 returns
-- them in table order, and the engine keeps row order per table). Placeholders as in tables.sql.
SELECT database,
       table,
       name,
       type,
       default_kind,
       default_expression,
       comment,
       is_in_partition_key,
       is_in_sorting_key,
       is_in_primary_key,
       is_in_sampling_key
FROM system.columns
WHERE database = {database}
  AND NOT startsWith(table, '.inner')
  AND {tables}
{order}
