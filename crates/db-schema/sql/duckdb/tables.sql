-- Tables and views of the current database. $1: schema filter; $2: JSON array of names.
SELECT schema_name, table_name AS name, 'table' AS kind, comment, sql
FROM duckdb_tables()
WHERE NOT internal AND NOT temporary
  AND database_name = current_database()
  AND (($1::VARCHAR IS NULL AND schema_name NOT IN ('information_schema', 'pg_catalog')) OR schema_name = $1::VARCHAR)
  AND ($2::VARCHAR IS NULL OR list_contains(from_json($2::VARCHAR, '["VARCHAR"]'), table_name))
UNION ALL
SELECT schema_name, view_name AS name, 'view' AS kind, comment, sql
FROM duckdb_views()
WHERE NOT internal AND NOT temporary
  AND database_name = current_database()
  AND (($1::VARCHAR IS NULL AND schema_name NOT IN ('information_schema', 'pg_catalog')) OR schema_name = $1::VARCHAR)
  AND ($2::VARCHAR IS NULL OR list_contains(from_json($2::VARCHAR, '["VARCHAR"]'), view_name))
ORDER BY 1, 2
