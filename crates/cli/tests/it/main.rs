//! Integration tests of the `xldb-codex` binary (one test binary, one module per subcommand).

mod schema;
