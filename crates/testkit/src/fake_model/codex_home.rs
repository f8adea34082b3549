//! A throwaway `CODEX_HOME` whose `config.toml` sends every model call to a [`FakeModel`].
//!
//! Layout (one temp dir, removed on drop): `<root>/home` is `CODEX_HOME`, `<root>/work` is the
//! working directory for conversations. Transcripts replace `<root>` by `<tmp>`, which is why
//! both live under one root.
//!
//! The config keeps Codex 0.39 offline and fast to fail: a custom provider without `env_key`
//! (no API key is read or sent, no login needed), `wire_api = "responses"`, no request or
//! stream retries (a scripted HTTP error surfaces at once instead of after back-offs), and no
//! history file. `CODEX_HOME` under `/tmp` makes Codex 0.90+ print a harmless PATH-helper
//! warning on stderr; use [`CodexHome::new_in`] to put it elsewhere.

use std::ffi::OsString;
use std::io;
use std::path::{Path, PathBuf};

use super::FakeModel;

/// A temp `CODEX_HOME` pointing at a fake model, plus a work dir; removed on drop.
#[derive(Debug)]
pub struct CodexHome {
    dir: tempfile::TempDir,
    home: PathBuf,
    work: PathBuf,
}

impl CodexHome {
    /// A home in the system temp dir for `model`.
    pub fn new(model: &FakeModel) -> io::Result<CodexHome> {
        CodexHome::build(std::env::temp_dir().as_path(), &model.base_url(), "")
    }

    /// A home inside `parent` for `model`, with `extra_toml` appended to the top level of
    /// `config.toml` (e.g. `"model_reasoning_effort = \"low\""`; tables are allowed too).
    pub fn new_in(parent: &Path, model: &FakeModel, extra_toml: &str) -> io::Result<CodexHome> {
        CodexHome::build(parent, &model.base_url(), extra_toml)
    }

    fn build(parent: &Path, base_url: &str, extra_toml: &str) -> io::Result<CodexHome> {
        std::fs::create_dir_all(parent)?;
        let dir = tempfile::Builder::new()
            .prefix("xldb-codex-")
            .tempdir_in(parent)?;
        let home = dir.path().join("home");
        let work = dir.path().join("work");
        std::fs::create_dir_all(&home)?;
        std::fs::create_dir_all(&work)?;
        std::fs::write(home.join("config.toml"), config_toml(base_url, extra_toml))?;
        Ok(CodexHome { dir, home, work })
    }

    /// The folder holding `home/` and `work/` (what transcripts call `<tmp>`).
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// The `CODEX_HOME` folder.
    pub fn path(&self) -> &Path {
        &self.home
    }

    /// An empty working directory for conversations (`cwd`).
    pub fn work_dir(&self) -> &Path {
        &self.work
    }

    /// The environment to give the `codex` process: `CODEX_HOME`.
    pub fn envs(&self) -> Vec<(OsString, OsString)> {
        vec![(
            OsString::from("CODEX_HOME"),
            self.home.clone().into_os_string(),
        )]
    }
}

fn config_toml(base_url: &str, extra_toml: &str) -> String {
    // Top-level keys first, then the caller's lines (keys or tables), then our tables.
    format!(
        r#"# Written by xldb_testkit::fake_model::CodexHome: every model call goes to a local fake.
model = "mock-model"
model_provider = "mock"
{extra_toml}

[model_providers.mock]
name = "mock"
base_url = "{base_url}"
wire_api = "responses"
request_max_retries = 0
stream_max_retries = 0

[history]
persistence = "none"
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake_model::Script;

    #[tokio::test]
    async fn writes_a_config_pointing_at_the_model() {
        let model = FakeModel::start(Script::new([])).await.unwrap();
        let home = CodexHome::new(&model).unwrap();
        let cfg = std::fs::read_to_string(home.path().join("config.toml")).unwrap();
        assert!(cfg.contains(&format!("base_url = \"{}\"", model.base_url())));
        assert!(cfg.contains("wire_api = \"responses\""));
        assert!(!cfg.contains("env_key"), "no API key may be read");
        assert!(home.work_dir().is_dir());
        assert_eq!(home.path().parent(), Some(home.root()));
        assert_eq!(home.envs()[0].0, "CODEX_HOME");
        let root = home.root().to_path_buf();
        drop(home);
        assert!(!root.exists(), "removed on drop");
    }

    #[tokio::test]
    async fn extra_config_stays_top_level() {
        let model = FakeModel::start(Script::new([])).await.unwrap();
        let parent = tempfile::tempdir().unwrap();
        let home =
            CodexHome::new_in(parent.path(), &model, "model_reasoning_effort = \"low\"").unwrap();
        assert!(home.root().starts_with(parent.path()));
        let cfg = std::fs::read_to_string(home.path().join("config.toml")).unwrap();
        let extra = cfg.find("model_reasoning_effort").unwrap();
        assert!(extra < cfg.find("[model_providers.mock]").unwrap());
    }
}
