-- The relations in scope, shared by the relations, columns, constraints and indexes queries.
-- $1: schema filter (NULL: every non-system schema); $2: table names (NULL: all).
-- Partitions (at any depth) of a selected table come too. A partition is `whole` (reported as a
-- table of its own) when it was named in $2 or its parent is outside the schema filter;
-- otherwise it is folded under its parent, and only its own constraints and indexes are read.
WITH RECURSIVE under_named(oid) AS (
    -- the partitions, at any depth, of the partitioned tables named in $2
    SELECT ih.inhrelid
    FROM pg_catalog.pg_class AS c
    JOIN pg_catalog.pg_inherits AS ih ON ih.inhparent = c.oid
    WHERE $2::text[] IS NOT NULL AND c.relkind = 'p' AND c.relname = ANY($2::text[])
    UNION ALL
    SELECT ih.inhrelid
    FROM pg_catalog.pg_inherits AS ih
    JOIN under_named AS u ON ih.inhparent = u.oid
),
rels AS (
    SELECT c.oid,
           ih.inhparent AS parent_oid,
           (NOT c.relispartition
            OR (c.relname = ANY($2::text[])) IS TRUE
            OR ($1::text IS NOT NULL AND pn.nspname <> $1::text)) AS whole
    FROM pg_catalog.pg_class AS c
    JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
    LEFT JOIN pg_catalog.pg_inherits AS ih ON ih.inhrelid = c.oid AND c.relispartition
    LEFT JOIN pg_catalog.pg_class AS pc ON pc.oid = ih.inhparent
    LEFT JOIN pg_catalog.pg_namespace AS pn ON pn.oid = pc.relnamespace
    WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
      AND (($1::text IS NULL
            AND n.nspname NOT IN ('pg_catalog', 'information_schema')
            AND n.nspname NOT LIKE 'pg\_toast%'
            AND n.nspname NOT LIKE 'pg\_temp\_%')
           OR n.nspname = $1::text)
      AND ($2::text[] IS NULL OR c.relname = ANY($2::text[])
           OR c.oid IN (SELECT oid FROM under_named))
)
