-- {filter:alias} becomes `AND alias.TABLE_SCHEMA = <schema>` and, when tables are filtered,
-- `AND JSON_CONTAINS(<names as one JSON array>, JSON_QUOTE(alias.TABLE_NAME))`; {schema:column}
-- becomes `column = <schema>`. <schema> is a bound parameter (the schema filter) or DATABASE().
-- Plain equalities let MariaDB read one database's tables instead of opening every table.
-- Index parts except the primary key's. `EXPRESSION` (functional key parts) exists from
-- MySQL 8.0.13; elsewhere it is replaced by NULL.
SELECT s.TABLE_SCHEMA AS schema_name,
       s.TABLE_NAME AS table_name,
       s.INDEX_NAME AS name,
       s.NON_UNIQUE AS non_unique,
       s.SEQ_IN_INDEX AS seq,
       s.COLUMN_NAME AS column_name,
       /*expression*/s.EXPRESSION AS expression,
       s.COLLATION AS collation,
       s.SUB_PART AS sub_part,
       s.INDEX_TYPE AS method,
       s.INDEX_COMMENT AS comment
FROM information_schema.STATISTICS AS s
WHERE s.INDEX_NAME <> 'PRIMARY'
  {filter:s}
ORDER BY s.TABLE_SCHEMA, s.TABLE_NAME, s.INDEX_NAME, s.SEQ_IN_INDEX
