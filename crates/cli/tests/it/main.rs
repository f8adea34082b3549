//! Integration tests of the `xldb-codex` binary (one test binary, one module per subcommand).

mod policy;
mod schema;
