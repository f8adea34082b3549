#!/usr/bin/env bash
# Record what the real Codex says, as fixtures for mcp-proto's replay tests.
#
# Runs the `record-transcript` binary of crates/testkit: every scenario starts the scripted fake
# model (xldb_testkit::fake_model) on loopback, a throwaway CODEX_HOME pointing at it, and the
# real `codex mcp` of the chosen version, drives it over stdio and writes one JSONL file per
# scenario to crates/mcp-proto/tests/fixtures/recorded/<version>-<scenario>.jsonl.
# Each line is {"dir":"c2s"|"s2c","t":<seconds since spawn>,"msg":<the JSON-RPC message as sent>};
# the temp folder is written `<tmp>`, strings over 1000 chars are cut, uuids are kept.
# Each scenario checks its expected outcome and fails loudly when the binary behaves otherwise.
#
# Usage:
#   scripts/record-transcripts.sh                     # every scenario, codex 0.39.0
#   scripts/record-transcripts.sh --version 0.80.0    # app-server v1/v2 + mcp-server scenarios
#   scripts/record-transcripts.sh --version 0.169.0   # app-server v2 scenarios
#   scripts/record-transcripts.sh --list              # the scenarios and what they record
#   scripts/record-transcripts.sh interrupt parallel-conversations
#   scripts/record-transcripts.sh --show-stderr decision-allow
#   XLDB_CODEX_VERSIONS=0.40.0 scripts/record-transcripts.sh --version 0.40.0
#
# When the pinned Codex version changes:
#   1. Put the new version in XLDB_CODEX_VERSIONS (scripts/deps.sh) so it gets installed.
#   2. Run `XLDB_CODEX_VERSIONS=<new> scripts/record-transcripts.sh --version <new>`.
#      Without names, the scenarios that fit the version run (codex mcp for 0.22–0.42,
#      app-v1-* 0.44–0.107, app-v2-* 0.63+, mcp-server-* 0.44–0.153.4); a scenario that fails
#      names the behaviour that changed (see shared/reference/codex-protocol.md).
#   3. Review the new files with `git diff --no-index` against the old version's files, delete
#      the old version's files if it is no longer supported, run `cargo test -p mcp-proto`
#      (it replays every line in the folder), and commit the new transcripts.
# Re-recording the same version rewrites the files: uuids, timestamps and dates in rollout
# paths change, nothing else should.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
# shellcheck source=scripts/deps.sh
source "$here/scripts/deps.sh"

install_codex_versions
export_deps

cargo run --quiet -p xldb-testkit --bin record-transcript -- "$@"
