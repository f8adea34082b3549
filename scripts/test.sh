#!/usr/bin/env bash
# The whole test suite, on a fresh Debian machine or a warm one.
#
# 1. Installs what the tests need, only if it is missing:
#    - Debian packages: postgresql, mariadb-server, clickhouse-server, sqlite3, strace and the
#      sandbox oracle's tools (apt-get, as root); bubblewrap unpacked into .deps/bubblewrap (not
#      installed system-wide: codex 0.169 would use it for its own sandbox and fail);
#    - the pinned `@openai/codex` versions from npm, into .deps/codex/<version>/ (git-ignored);
#    - the official Python MCP SDK (pinned) into a venv in .deps/python-mcp/;
#    - DuckDB's prebuilt libduckdb.so from npm `@duckdb/node-bindings-linux-x64`, into
#      .deps/duckdb/ (the duckdb crate links it instead of compiling DuckDB for 20 minutes);
#    - the Zabbix 6.0 and PowerDNS 4.7 schemas for PostgreSQL, MariaDB and SQLite, taken from
#      their Debian packages (downloaded, not installed) into .deps/real-schemas/ for
#      db-schema's real-schema test.
# 2. Exports where they are (XLDB_CODEX_<version>, DUCKDB_LIB_DIR, LD_LIBRARY_PATH).
# 3. Runs cargo fmt --check, clippy -D warnings and every test of the workspace with all features.
#
# Environment: CARGO_TARGET_DIR is honoured (CI points it at a cache outside the clone).
# XLDB_SKIP_INSTALL=1 skips step 1 (for machines where everything is already in place).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
# shellcheck source=scripts/deps.sh
source "$here/scripts/deps.sh"

if [[ "${XLDB_SKIP_INSTALL:-0}" != 1 ]]; then
  install_debian_packages
  install_codex_versions
  install_duckdb_lib
  install_bubblewrap_local
  install_python_mcp
  install_mermaid
  install_real_schemas
fi
export_deps

step() { printf '\n== %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (all targets, all features, -D warnings)"
cargo clippy --workspace --all-targets --all-features --locked -- -D warnings

step "cargo test (whole workspace, all features)"
# PROPTEST_CASES keeps property tests proportionate on a 2-core CI machine; raise it locally.
export PROPTEST_CASES="${PROPTEST_CASES:-256}"
cargo test --workspace --all-features --locked --no-fail-fast
