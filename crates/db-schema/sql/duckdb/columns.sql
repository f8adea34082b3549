-- Columns of tables and views, in order. $1, $2 as in tables.sql.
SELECT schema_name, table_name, column_name AS name, column_index, data_type,
       is_nullable, column_default, comment
FROM duckdb_columns()
WHERE NOT internal
  AND database_name = current_database()
  AND (($1::VARCHAR IS NULL AND schema_name NOT IN ('information_schema', 'pg_catalog')) OR schema_name = $1::VARCHAR)
  AND ($2::VARCHAR IS NULL OR list_contains(from_json($2::VARCHAR, '["VARCHAR"]'), table_name))
ORDER BY schema_name, table_name, column_index
