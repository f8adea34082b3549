#!/usr/bin/env bash
# The README's first command: build xldb-codex and run its demo on an embedded SQLite database.
# No database server, no API key, no network beyond crates.io for the first build.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec cargo run --quiet --release -p xldb-codex -- demo "$@"
