-- Primary keys, foreign keys, unique and check constraints (lists come back as JSON text).
-- $1, $2 as in tables.sql.
SELECT schema_name, table_name, constraint_index, constraint_type, constraint_name,
       constraint_text, expression, constraint_column_names, referenced_table,
       referenced_column_names
FROM duckdb_constraints()
WHERE constraint_type IN ('PRIMARY KEY', 'FOREIGN KEY', 'UNIQUE', 'CHECK')
  AND database_name = current_database()
  AND (($1::VARCHAR IS NULL AND schema_name NOT IN ('information_schema', 'pg_catalog')) OR schema_name = $1::VARCHAR)
  AND ($2::VARCHAR IS NULL OR list_contains(from_json($2::VARCHAR, '["VARCHAR"]'), table_name))
ORDER BY schema_name, table_name, constraint_index
