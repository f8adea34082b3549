#!/usr/bin/env bash
# Shared by scripts/test.sh and scripts/demo.sh: install and locate what xldb-codex needs.
# Every function is idempotent: it installs only what is missing.

XLDB_ROOT=${XLDB_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
# The Codex versions the tests run against (npm @openai/codex).
XLDB_CODEX_VERSIONS=${XLDB_CODEX_VERSIONS:-"0.39.0 0.80.0 0.169.0 0.171.0"}
# libduckdb.so from npm; its DuckDB version (1.5.6) must match the duckdb crate (=1.10506.1).
XLDB_DUCKDB_NPM=${XLDB_DUCKDB_NPM:-"@duckdb/node-bindings-linux-x64@1.5.6-r.1"}
# The official Python MCP SDK that drives `xldb-codex mcp serve` in the system tests.
XLDB_PYTHON_MCP=${XLDB_PYTHON_MCP:-"mcp==2.3.0"}
# The Mermaid parser (npm, run under jsdom) that checks `schema --format mermaid` in the tests.
XLDB_MERMAID_NPM=${XLDB_MERMAID_NPM:-"mermaid@12.4.0 jsdom@27.0.1"}
# The Debian (bookworm) versions of the Zabbix and PowerDNS packages whose schemas db-schema's
# real-schema test compares with each engine's catalog (crates/db-schema/tests/it/real_schema.rs).
XLDB_ZABBIX_DEB_VERSION=${XLDB_ZABBIX_DEB_VERSION:-"1:6.0.14+dfsg-1+b1"}
XLDB_POWERDNS_DEB_VERSION=${XLDB_POWERDNS_DEB_VERSION:-"4.7.3-2"}

_need_root() {
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then echo sudo; else
      echo "error: installing Debian packages needs root (or sudo): $*" >&2; return 1
    fi
  fi
}

install_debian_packages() {
  local missing=()
  [[ -x /usr/lib/postgresql/15/bin/initdb || -n $(compgen -G '/usr/lib/postgresql/*/bin/initdb') ]] || missing+=(postgresql)
  command -v mariadbd >/dev/null 2>&1 || [[ -x /usr/sbin/mariadbd ]] || missing+=(mariadb-server)
  [[ -x /usr/sbin/clickhouse-server || -x /usr/bin/clickhouse-server ]] || missing+=(clickhouse-server)
  command -v sqlite3 >/dev/null 2>&1 || missing+=(sqlite3)
  command -v npm >/dev/null 2>&1 || missing+=(npm)
  command -v runuser >/dev/null 2>&1 || missing+=(util-linux)
  # The approval-policy sandbox oracle (crates/testkit/src/sandbox.rs) runs commands in
  # bubblewrap and watches them with strace; its red-team lines use these programs too.
  # bubblewrap is NOT installed system-wide (see install_bubblewrap_local): codex 0.169 uses a
  # system `bwrap` for its own sandbox and then fails to run any command.
  command -v strace >/dev/null 2>&1 || missing+=(strace)
  command -v gawk >/dev/null 2>&1 || missing+=(gawk)
  command -v jq >/dev/null 2>&1 || missing+=(jq)
  command -v xxd >/dev/null 2>&1 || missing+=(xxd)
  command -v git >/dev/null 2>&1 || missing+=(git)
  # `schema --format svg|png` and `schema doc` draw diagrams with Graphviz's `dot`.
  command -v dot >/dev/null 2>&1 || missing+=(graphviz)
  if ((${#missing[@]})); then
    echo "== installing Debian packages: ${missing[*]}"
    local sudo; sudo=$(_need_root "${missing[*]}") || return 1
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

# bubblewrap for the sandbox oracle, unpacked into .deps/bubblewrap rather than installed: a
# system-wide /usr/bin/bwrap makes codex >= 0.16x sandbox its commands with it, and they then
# fail ("bwrap: execvp codex-linux-sandbox: No such file or directory").
install_bubblewrap_local() {
  local dir="$XLDB_ROOT/.deps/bubblewrap"
  [[ -x "$dir/usr/bin/bwrap" ]] && return 0
  echo "== unpacking Debian's bubblewrap into $dir"
  local tmp; tmp=$(mktemp -d)
  if ! (cd "$tmp" && apt-get download bubblewrap >/dev/null 2>&1); then
    local sudo; sudo=$(_need_root "apt-get update") || return 1
    $sudo apt-get update -qq
    (cd "$tmp" && apt-get download bubblewrap >/dev/null)
  fi
  rm -rf "$dir" && mkdir -p "$dir"
  dpkg -x "$tmp"/bubblewrap_*.deb "$dir"
  rm -rf "$tmp"
  if [[ -x /usr/bin/bwrap ]]; then
    echo "warning: /usr/bin/bwrap is installed system-wide; codex 0.169 then fails to run commands in its sandbox (apt-get remove bubblewrap)" >&2
  fi
}

real_schemas_dir() { echo "$XLDB_ROOT/.deps/real-schemas"; }

# Files of Debian packages, downloaded and unpacked in a temporary directory, never installed.
# _unpack_debian_files DIR VERSION SERIES PKG:PATH:NAME...: each PATH inside package PKG of
# VERSION is appended to DIR/NAME (gzip-compressed: NAME ends in .gz). Debian keeps one version
# of a package per release: when a point release replaced VERSION, the release's current one is
# taken instead if it starts with SERIES, with a warning. DIR/VERSION says which was taken.
_unpack_debian_files() {
  local dir=$1 version=$2 series=$3; shift 3
  local spec pkgs=()
  for spec in "$@"; do [[ " ${pkgs[*]} " == *" ${spec%%:*} "* ]] || pkgs+=("${spec%%:*}"); done
  echo "== unpacking ${pkgs[*]} $version (Debian) into $dir"
  local tmp; tmp=$(mktemp -d)
  if ! (cd "$tmp" && apt-get download "${pkgs[@]/%/=$version}" >/dev/null 2>&1); then
    local sudo; sudo=$(_need_root "apt-get update") || { rm -rf "$tmp"; return 1; }
    $sudo apt-get update -qq
    if ! (cd "$tmp" && apt-get download "${pkgs[@]/%/=$version}" >/dev/null 2>&1); then
      local wanted=$version
      version=$(apt-cache policy "${pkgs[0]}" | sed -n 's/^ *Candidate: //p')
      if [[ $version != "$series"* ]]; then
        echo "error: Debian has neither ${pkgs[0]} $wanted nor another $series* (candidate: ${version:-none})" >&2
        rm -rf "$tmp"; return 1
      fi
      echo "warning: ${pkgs[0]} $wanted is gone from Debian; taking $version (update the version in scripts/deps.sh)" >&2
      (cd "$tmp" && apt-get download "${pkgs[@]/%/=$version}" >/dev/null 2>&1) || {
        echo "error: apt-get download ${pkgs[*]} (version $version) failed" >&2; rm -rf "$tmp"; return 1
      }
    fi
  fi
  local pkg
  for pkg in "${pkgs[@]}"; do dpkg-deb -x "$tmp/${pkg}"_*.deb "$tmp/x"; done
  rm -rf "$dir" && mkdir -p "$dir"
  local rest path name
  mkdir "$tmp/out"
  for spec in "$@"; do
    rest=${spec#*:}; path=${rest%%:*}; name=${rest#*:}
    if [[ $path == *.gz ]]; then gzip -dc "$tmp/x/$path"; else cat "$tmp/x/$path"; fi >>"$tmp/out/${name%.gz}"
  done
  for name in "$tmp"/out/*; do gzip -n -c "$name" >"$dir/$(basename "$name").gz"; done
  echo "$version" >"$dir/VERSION"
  rm -rf "$tmp"
}

# Real schemas no one here wrote, one per engine, from Debian packages at install time (never
# committed): Zabbix 6.0 (173 tables) and PowerDNS 4.7 (its MySQL schema with its optional
# foreign keys), in .deps/real-schemas/<name>/{postgresql,mysql,sqlite}.sql.gz.
install_real_schemas() {
  local root; root=$(real_schemas_dir)
  [[ -f "$root/zabbix-6.0/sqlite.sql.gz" ]] || _unpack_debian_files "$root/zabbix-6.0" \
    "$XLDB_ZABBIX_DEB_VERSION" "1:6.0." \
    zabbix-server-pgsql:usr/share/zabbix-server-pgsql/schema.sql.gz:postgresql.sql.gz \
    zabbix-server-mysql:usr/share/zabbix-server-mysql/schema.sql.gz:mysql.sql.gz \
    zabbix-proxy-sqlite3:usr/share/zabbix-proxy-sqlite3/schema.sql.gz:sqlite.sql.gz || return 1
  [[ -f "$root/powerdns-4.7/sqlite.sql.gz" ]] || _unpack_debian_files "$root/powerdns-4.7" \
    "$XLDB_POWERDNS_DEB_VERSION" "4.7." \
    pdns-backend-pgsql:usr/share/pdns-backend-pgsql/schema/schema.pgsql.sql:postgresql.sql.gz \
    pdns-backend-mysql:usr/share/pdns-backend-mysql/schema/schema.mysql.sql:mysql.sql.gz \
    pdns-backend-mysql:usr/share/pdns-backend-mysql/schema/enable-foreign-keys.mysql.sql:mysql.sql.gz \
    pdns-backend-sqlite3:usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql:sqlite.sql.gz
}

codex_dir() { echo "$XLDB_ROOT/.deps/codex/$1"; }

install_codex_versions() {
  local v dir
  for v in $XLDB_CODEX_VERSIONS; do
    dir=$(codex_dir "$v")
    if [[ ! -x "$dir/node_modules/.bin/codex" ]]; then
      echo "== installing @openai/codex@$v from npm into $dir"
      mkdir -p "$dir"
      npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "@openai/codex@$v" >/dev/null
    fi
  done
}

install_duckdb_lib() {
  local dir="$XLDB_ROOT/.deps/duckdb"
  if [[ ! -f "$dir/lib/libduckdb.so" ]]; then
    echo "== fetching libduckdb.so ($XLDB_DUCKDB_NPM) from npm into $dir"
    rm -rf "$dir" && mkdir -p "$dir/lib"
    local tmp; tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "$XLDB_DUCKDB_NPM" >/dev/null)
    tar -xzf "$tmp"/*.tgz -C "$tmp"
    cp "$(find "$tmp/package" -name libduckdb.so | head -n1)" "$dir/lib/"
    rm -rf "$tmp"
  fi
}

mermaid_dir() { echo "$XLDB_ROOT/.deps/mermaid"; }

install_mermaid() {
  local dir; dir=$(mermaid_dir)
  if [[ ! -f "$dir/node_modules/mermaid/package.json" || ! -f "$dir/node_modules/jsdom/package.json" ]]; then
    echo "== installing $XLDB_MERMAID_NPM from npm into $dir"
    mkdir -p "$dir"
    # shellcheck disable=SC2086 # two package specs
    npm install --prefix "$dir" --no-audit --no-fund --loglevel=error $XLDB_MERMAID_NPM >/dev/null
  fi
}

python_mcp_dir() { echo "$XLDB_ROOT/.deps/python-mcp"; }

# A venv with the pinned Python MCP SDK, in .deps/python-mcp (needs python3 with venv).
install_python_mcp() {
  local dir; dir=$(python_mcp_dir)
  if [[ ! -x "$dir/bin/python" ]] || ! "$dir/bin/python" -c "import mcp" 2>/dev/null \
     || [[ $("$dir/bin/pip" show mcp 2>/dev/null | sed -n 's/^Version: //p') != "${XLDB_PYTHON_MCP#mcp==}" ]]; then
    echo "== installing $XLDB_PYTHON_MCP into $dir"
    command -v python3 >/dev/null 2>&1 || { echo "error: python3 (with venv) is needed for the MCP SDK tests" >&2; return 1; }
    python3 -m venv "$dir"
    "$dir/bin/pip" install --quiet --disable-pip-version-check "$XLDB_PYTHON_MCP"
  fi
}

export_deps() {
  local v
  for v in $XLDB_CODEX_VERSIONS; do
    export "XLDB_CODEX_${v//[.-]/_}=$(codex_dir "$v")/node_modules/.bin/codex"
  done
  if [[ -x "$XLDB_ROOT/.deps/bubblewrap/usr/bin/bwrap" ]]; then
    export XLDB_BWRAP="$XLDB_ROOT/.deps/bubblewrap/usr/bin/bwrap"
  fi
  if [[ -f "$XLDB_ROOT/.deps/duckdb/lib/libduckdb.so" ]]; then
    export DUCKDB_LIB_DIR="$XLDB_ROOT/.deps/duckdb/lib"
    export LD_LIBRARY_PATH="$DUCKDB_LIB_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  fi
  if [[ -f "$(mermaid_dir)/node_modules/mermaid/package.json" ]]; then
    export XLDB_MERMAID_MODULES="$(mermaid_dir)/node_modules"
  fi
  if [[ -d "$(real_schemas_dir)" ]]; then
    export XLDB_REAL_SCHEMAS="$(real_schemas_dir)"
  fi
  if [[ -x "$(python_mcp_dir)/bin/python" ]]; then
    export XLDB_PYTHON_MCP_PYTHON="$(python_mcp_dir)/bin/python"
  fi
}
