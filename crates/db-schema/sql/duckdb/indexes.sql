-- Explicit indexes (key parts are read from their CREATE INDEX text). $1, $2 as above.
SELECT schema_name, table_name, index_name, is_unique, is_primary, expressions, sql
FROM duckdb_indexes()
WHERE database_name = current_database()
  AND (($1::VARCHAR IS NULL AND schema_name NOT IN ('information_schema', 'pg_catalog')) OR schema_name = $1::VARCHAR)
  AND ($2::VARCHAR IS NULL OR list_contains(from_json($2::VARCHAR, '["VARCHAR"]'), table_name))
ORDER BY schema_name, table_name, index_name
