//! The approval policy's SQL function allowlists against real servers' catalogs: every
//! allowlisted PostgreSQL function exists in `pg_proc` and is not volatile unless it was
//! reviewed as read-only, and every allowlisted MySQL/MariaDB function is one MariaDB knows.
//! A list that drifts from the engine (a typo, a renamed function, a volatile function added
//! without review) fails here.

use approval_policy::Dialect;
use std::collections::{HashMap, HashSet};
use xldb_testkit::servers::{MariaDb, Postgres};

/// SQL syntax PostgreSQL implements without a `pg_proc` entry of that name.
const PG_SYNTAX: [&str; 38] = [
    "coalesce",
    "collation",
    "current_catalog",
    "current_date",
    "current_role",
    "current_time",
    "current_timestamp",
    "current_user",
    "extract",
    "greatest",
    "grouping",
    "json_array",
    "json_arrayagg",
    "json_exists",
    "json_object",
    "json_objectagg",
    "json_query",
    "json_scalar",
    "json_serialize",
    "json_value",
    "least",
    "localtime",
    "localtimestamp",
    "normalize",
    "nullif",
    "overlay",
    "position",
    "session_user",
    "substring",
    "trim",
    "user",
    "xmlagg",
    "xmlconcat",
    "xmlelement",
    "xmlexists",
    "xmlforest",
    "xmlparse",
    "xmlpi",
];

/// Volatile functions reviewed as read-only (they read the clock, randomness, sizes, WAL
/// positions, lock or session state, and write nothing). Adding a volatile function to the
/// allowlist means adding it here after the same review.
const PG_VOLATILE_REVIEWED: [&str; 63] = [
    "clock_timestamp",
    "current_query",
    "currval",
    "gen_random_uuid",
    "lastval",
    "pg_blocking_pids",
    "pg_collation_actual_version",
    "pg_control_checkpoint",
    "pg_control_init",
    "pg_control_recovery",
    "pg_control_system",
    "pg_current_wal_flush_lsn",
    "pg_current_wal_insert_lsn",
    "pg_current_wal_lsn",
    "pg_database_collation_actual_version",
    "pg_database_size",
    "pg_get_backend_memory_contexts",
    "pg_get_multixact_members",
    "pg_get_shmem_allocations",
    "pg_get_wal_replay_pause_state",
    "pg_get_wal_resource_managers",
    "pg_indexes_size",
    "pg_is_in_recovery",
    "pg_is_wal_replay_paused",
    "pg_jit_available",
    "pg_last_committed_xact",
    "pg_last_wal_receive_lsn",
    "pg_last_wal_replay_lsn",
    "pg_last_xact_replay_timestamp",
    "pg_lock_status",
    "pg_notification_queue_usage",
    "pg_partition_ancestors",
    "pg_partition_tree",
    "pg_prepared_xact",
    "pg_relation_size",
    "pg_safe_snapshot_blocking_pids",
    "pg_sequence_last_value",
    "pg_show_replication_origin_status",
    "pg_stat_get_recovery_prefetch",
    "pg_stat_get_xact_blocks_fetched",
    "pg_stat_get_xact_blocks_hit",
    "pg_stat_get_xact_function_calls",
    "pg_stat_get_xact_function_self_time",
    "pg_stat_get_xact_function_total_time",
    "pg_stat_get_xact_numscans",
    "pg_stat_get_xact_tuples_deleted",
    "pg_stat_get_xact_tuples_fetched",
    "pg_stat_get_xact_tuples_hot_updated",
    "pg_stat_get_xact_tuples_inserted",
    "pg_stat_get_xact_tuples_returned",
    "pg_stat_get_xact_tuples_updated",
    "pg_stat_have_stats",
    "pg_table_size",
    "pg_tablespace_size",
    "pg_total_relation_size",
    "pg_xact_commit_timestamp",
    "pg_xact_commit_timestamp_origin",
    "pg_xact_status",
    "random",
    "timeofday",
    "txid_status",
    "xmlroot",
    "xmlserialize",
];

#[test]
fn postgres_allowlist_matches_pg_proc_and_has_no_unreviewed_volatile_function() {
    let pg = Postgres::shared().unwrap_or_else(|e| panic!("{e:#}"));
    let rows = pg
        .psql(
            "postgres",
            "SELECT proname, string_agg(DISTINCT provolatile::text, '') FROM pg_proc \
             WHERE pronamespace = 'pg_catalog'::regnamespace GROUP BY proname;",
        )
        .unwrap();
    let catalog: HashMap<&str, &str> = rows.lines().filter_map(|l| l.split_once('|')).collect();
    assert!(
        catalog.len() > 1000,
        "pg_proc looks empty: {}",
        catalog.len()
    );
    let syntax: HashSet<&str> = PG_SYNTAX.into_iter().collect();
    let reviewed: HashSet<&str> = PG_VOLATILE_REVIEWED.into_iter().collect();
    let mut missing = Vec::new();
    let mut volatile = Vec::new();
    for f in Dialect::Postgres.read_only_functions() {
        match catalog.get(f) {
            None if syntax.contains(f) || reviewed.contains(f) => {}
            None => missing.push(*f),
            Some(kinds) if kinds.contains('v') && !reviewed.contains(f) => volatile.push(*f),
            Some(_) => {}
        }
    }
    assert!(missing.is_empty(), "not in pg_proc: {missing:?}");
    assert!(
        volatile.is_empty(),
        "volatile and not reviewed as read-only: {volatile:?}"
    );
    // The functions the attacks used are volatile and therefore absent.
    for f in [
        "set_config",
        "pg_terminate_backend",
        "nextval",
        "pg_advisory_lock",
        "pg_read_file",
        "lo_import",
        "brin_summarize_new_values",
        "ts_stat",
        "query_to_xml",
    ] {
        assert!(catalog.get(f).is_some_and(|k| k.contains('v')), "{f}");
        assert!(
            Dialect::Postgres
                .read_only_functions()
                .binary_search(&f)
                .is_err(),
            "{f}"
        );
    }
}

/// MySQL 8 functions MariaDB 10.11 does not have (the allowlist serves both engines).
const MYSQL_ONLY: [&str; 12] = [
    "bin_to_uuid",
    "is_uuid",
    "json_array_intersect",
    "json_key_value",
    "json_object_filter_keys",
    "json_object_to_array",
    "json_schema_valid",
    "regexp_like",
    "st_x",
    "st_y",
    "uuid_to_bin",
    "system_user",
];

#[test]
fn mysql_allowlist_is_known_to_mariadb() {
    let db = MariaDb::shared().unwrap_or_else(|e| panic!("{e:#}"));
    db.create_database("allowlist").unwrap();
    let mysql_only: HashSet<&str> = MYSQL_ONLY.into_iter().collect();
    let mut unknown = Vec::new();
    for f in Dialect::MySql.read_only_functions() {
        if mysql_only.contains(f) {
            continue;
        }
        // An unknown name is looked up as a stored function: "FUNCTION allowlist.f does not
        // exist". A built-in called wrongly fails differently (parameter count, syntax).
        if let Err(e) = db.exec("allowlist", &format!("SELECT {f}();")) {
            if format!("{e:#}").contains("does not exist") {
                unknown.push(*f);
            }
        }
    }
    assert!(unknown.is_empty(), "MariaDB does not know: {unknown:?}");
}
