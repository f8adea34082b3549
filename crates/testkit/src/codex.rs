//! Locate the pinned `codex` binary installed by `scripts/test.sh`.
//!
//! The test script installs `@openai/codex@<version>` from npm into
//! `.deps/codex/<version>/` at the repository root and exports `XLDB_CODEX_<version>` (dots
//! replaced by underscores, e.g. `XLDB_CODEX_0_39_0`) with the path of its launcher. A test that
//! needs the real binary calls [`codex_bin`]; when it is missing the test fails with a message
//! that says how to install it, never skips.

use std::path::{Path, PathBuf};

/// The version every whole-system test runs by default (the `codex mcp` conversation API).
pub const DEFAULT_CODEX_VERSION: &str = "0.39.0";

/// The repository root (the folder with the workspace `Cargo.toml`).
pub fn repo_root() -> PathBuf {
    // CARGO_MANIFEST_DIR is crates/testkit at compile time.
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Path of the `codex` launcher for `version`, or an error that says how to install it.
///
/// Looks at `XLDB_CODEX_<version>` first, then at `.deps/codex/<version>/node_modules/.bin/codex`.
pub fn codex_bin(version: &str) -> anyhow::Result<PathBuf> {
    let var = format!("XLDB_CODEX_{}", version.replace(['.', '-'], "_"));
    if let Some(p) = std::env::var_os(&var) {
        let p = PathBuf::from(p);
        if p.exists() {
            return Ok(p);
        }
        anyhow::bail!("{var} names `{}`, which does not exist", p.display());
    }
    let p = repo_root()
        .join(".deps/codex")
        .join(version)
        .join("node_modules/.bin/codex");
    if p.exists() {
        return Ok(p);
    }
    anyhow::bail!(
        "the real codex {version} is not installed: run `scripts/test.sh` (it installs it), or \
         `npm install --prefix .deps/codex/{version} @openai/codex@{version}` at the repository root"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_version_error_says_how_to_install() {
        let err = codex_bin("0.0.0-not-a-version").unwrap_err().to_string();
        assert!(err.contains("npm install"), "{err}");
        assert!(err.contains("scripts/test.sh"), "{err}");
    }

    #[test]
    fn repo_root_has_the_workspace_manifest() {
        assert!(repo_root().join("Cargo.toml").exists());
        assert!(repo_root().join("crates/testkit").is_dir());
    }
}
