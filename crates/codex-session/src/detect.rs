//! Which Codex is installed, and which protocol generation to speak with it.
//!
//! Codex changed its stdio server three times (see `codex-protocol.md` in the shared
//! reference, 79 versions probed). The version printed by `codex --version`
//! (`codex-cli 0.80.0`) is the only reliable way to tell them apart before speaking: a request
//! in the wrong generation gets **no reply at all** from servers before 0.95, so probing by trial
//! costs a timeout per attempt. Detection therefore runs `--version` once (about 0.1 s through
//! the npm launcher) and maps the number to a [`Protocol`] generation with the table below.
//!
//! | Versions | Generations offered (preferred first) | Subcommand |
//! |---|---|---|
//! | < 0.20 | none ([`DetectError::TooOld`]) | |
//! | 0.20 – 0.21 | MCP tool mode | `mcp` |
//! | 0.22 – 0.42 | conversation API, MCP tool mode | `mcp` |
//! | 0.44 – 0.62 | app-server v1, app-server v2 (0.57+), MCP tool mode | `app-server`, `mcp-server` |
//! | 0.63 – 0.107 | app-server v2, app-server v1, MCP tool mode | `app-server`, `mcp-server` |
//! | 0.110 – 0.153.4 | app-server v2, MCP tool mode | `app-server`, `mcp-server` |
//! | 0.154 – 0.171 | app-server v2 | `app-server` |
//! | newer | app-server v2, with a warning | `app-server` |
//!
//! Every generation in the table is spoken. MCP tool mode is preferred only where it is all
//! there is (0.20 – 0.21); elsewhere it is spoken when forced ([`Protocol::McpTool`] given to
//! [`detect_codex`] or a session), with the version's subcommand (`mcp` before
//! 0.44, `mcp-server` after) and `codex-reply` key ([`Quirks::codex_reply_session_id`],
//! [`Quirks::codex_reply_thread_id`]); the conversation API and app-server stay the default
//! because they offer listing, resuming and archiving and answer every request at once.
//!
//! v2 is preferred only from 0.63: 0.57–0.58 send v1 approvals and no `turn/completed` inside
//! v2 turns, and 0.59–0.62 still send v1 patch approvals. Versions never published (0.43,
//! 0.108–0.109, …) fall on the side of the boundary the table gives; the first version of a
//! change is exact wherever the reference says "exact".
//!
//! [`Quirks`] carries the smaller shape changes a generation must follow by version (enum
//! spellings, the sandbox-policy tag, the file-change shape, whether an error reply to an
//! approval hangs the turn), so the generations never compare version numbers themselves.
//!
//! The binary is found in this order: an explicit path (the caller's setting or config),
//! `CODEX_BIN`, `node_modules/.bin/codex` in the working directory or one of its ancestors
//! (the npm launcher works for every package layout, which moved three times up to 0.135),
//! then `codex` on `PATH`.

use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use mcp_proto::V2Spelling;

use crate::generation::Protocol;

/// How long `codex --version` may take before detection gives up.
pub const VERSION_TIMEOUT: Duration = Duration::from_secs(15);

/// The newest Codex version the generation table was checked against.
pub const NEWEST_KNOWN: CodexVersion = CodexVersion::new(0, 171, 0);

/// Why detection failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DetectError {
    /// No `codex` binary was found anywhere detection looks.
    #[error("no `codex` binary found (looked at CODEX_BIN, node_modules/.bin and PATH); install it with `npm install -g @openai/codex` or set CODEX_BIN")]
    NotFound,
    /// An explicitly named binary does not exist or is not executable.
    #[error("`{path}` is not an executable file")]
    NotExecutable {
        /// The path that was given.
        path: String,
    },
    /// `codex --version` could not be run or failed.
    #[error("`{program} --version` failed: {message}")]
    VersionCommand {
        /// The program that was run.
        program: String,
        /// What went wrong (operating-system message, exit status or timeout).
        message: String,
    },
    /// The version text is not `codex-cli X.Y.Z`.
    #[error("cannot read a codex version from `{text}`")]
    BadVersion {
        /// The text (cut to 80 characters).
        text: String,
    },
    /// The version predates every protocol this crate speaks.
    #[error("codex {version} is too old: the oldest supported version is 0.20.0")]
    TooOld {
        /// The detected version.
        version: CodexVersion,
    },
    /// The user forced a generation this version does not have.
    #[error("codex {version} does not speak {generation} (it speaks: {available})")]
    Unsupported {
        /// The detected version.
        version: CodexVersion,
        /// The forced generation.
        generation: Protocol,
        /// What this version speaks, comma separated.
        available: String,
    },
}

fn cut(text: &str) -> String {
    text.chars().take(80).collect()
}

/// A Codex release number (`0.80.0`, `0.153.4`), with its pre-release suffix if any.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CodexVersion {
    /// Major.
    pub major: u64,
    /// Minor.
    pub minor: u64,
    /// Patch.
    pub patch: u64,
    /// Pre-release suffix (`alpha.3` in `0.80.0-alpha.3`), empty for a release.
    pub pre: String,
}

impl CodexVersion {
    /// A release version.
    pub const fn new(major: u64, minor: u64, patch: u64) -> CodexVersion {
        CodexVersion {
            major,
            minor,
            patch,
            pre: String::new(),
        }
    }

    fn triple(&self) -> (u64, u64, u64) {
        (self.major, self.minor, self.patch)
    }

    /// Whether this version is at least `major.minor.patch` (a pre-release of that exact
    /// number counts as reaching it: pre-releases carry the new protocol).
    pub fn at_least(&self, major: u64, minor: u64, patch: u64) -> bool {
        self.triple() >= (major, minor, patch)
    }

    /// Read the output of `codex --version` (`codex-cli 0.80.0`) or a bare `0.80.0`.
    pub fn parse_version_output(text: &str) -> Result<CodexVersion, DetectError> {
        let bad = || DetectError::BadVersion { text: cut(text) };
        let line = text
            .lines()
            .find(|l| !l.trim().is_empty())
            .ok_or_else(bad)?;
        let mut words = line.split_whitespace();
        let token = match (words.next(), words.next(), words.next()) {
            (Some(v), None, None) => v,
            (Some(name), Some(v), None) if name.starts_with("codex") => v,
            _ => return Err(bad()),
        };
        token.parse().map_err(|_| bad())
    }
}

impl FromStr for CodexVersion {
    type Err = DetectError;

    fn from_str(s: &str) -> Result<CodexVersion, DetectError> {
        let bad = || DetectError::BadVersion { text: cut(s) };
        let s = s.strip_prefix('v').unwrap_or(s);
        let (core, pre) = match s.split_once('-') {
            Some((core, pre)) if !pre.is_empty() => (core, pre),
            Some(_) => return Err(bad()),
            None => (s, ""),
        };
        let mut parts = core.split('.');
        let mut next = || -> Result<u64, DetectError> {
            let part = parts.next().ok_or_else(bad)?;
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            part.parse().map_err(|_| bad())
        };
        let (major, minor, patch) = (next()?, next()?, next()?);
        if parts.next().is_some() {
            return Err(bad());
        }
        Ok(CodexVersion {
            major,
            minor,
            patch,
            pre: pre.to_owned(),
        })
    }
}

impl fmt::Display for CodexVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if !self.pre.is_empty() {
            write!(f, "-{}", self.pre)?;
        }
        Ok(())
    }
}

impl PartialOrd for CodexVersion {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for CodexVersion {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        // A pre-release sorts before its release.
        self.triple().cmp(&other.triple()).then_with(|| {
            match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => std::cmp::Ordering::Equal,
                (true, false) => std::cmp::Ordering::Greater,
                (false, true) => std::cmp::Ordering::Less,
                (false, false) => self.pre.cmp(&other.pre),
            }
        })
    }
}

impl Protocol {
    /// The `codex` subcommand that serves this generation for `version`
    /// (`mcp` before 0.44, then `mcp-server` or `app-server`; [`Protocol::Auto`] resolves to
    /// an app-server generation from 0.44 on).
    pub fn subcommand(self, version: &CodexVersion) -> &'static str {
        match self {
            Protocol::McpConversation => "mcp",
            Protocol::McpTool if version.at_least(0, 44, 0) => "mcp-server",
            Protocol::McpTool => "mcp",
            Protocol::AppServerV1 | Protocol::AppServerV2 | Protocol::Auto => "app-server",
        }
    }

    /// The generations `version` speaks, preferred first (never [`Protocol::Auto`]). Empty
    /// before 0.20. A version newer than [`NEWEST_KNOWN`] is assumed to speak what the newest
    /// known one does.
    pub fn available(version: &CodexVersion) -> Vec<Protocol> {
        use Protocol::*;
        let v = |minor, patch| version.at_least(0, minor, patch);
        if !v(20, 0) {
            Vec::new()
        } else if !v(22, 0) {
            vec![McpTool]
        } else if !v(44, 0) {
            vec![McpConversation, McpTool]
        } else if !v(57, 0) {
            vec![AppServerV1, McpTool]
        } else if !v(63, 0) {
            vec![AppServerV1, AppServerV2, McpTool]
        } else if !v(110, 0) {
            vec![AppServerV2, AppServerV1, McpTool]
        } else if !v(154, 0) {
            vec![AppServerV2, McpTool]
        } else {
            vec![AppServerV2]
        }
    }
}

/// Version-dependent shapes inside one generation. Each is exact at the boundary the
/// reference pins (see the field docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Quirks {
    /// v2 `thread/start` enum spelling (kebab-case from 0.72; each era rejects the other).
    pub v2_enums: V2Spelling,
    /// v1 `sendUserTurn.sandboxPolicy` is tagged `{"type":…}` (0.59+) instead of `{"mode":…}`.
    pub sandbox_policy_type_tag: bool,
    /// File changes are `{"type":"add",…}` (0.59+) instead of `{"add":{…}}`.
    pub file_change_type_tag: bool,
    /// v2 sends `turn/completed` (0.59+); before, the turn ends with `codex/event/task_complete`.
    pub v2_turn_completed: bool,
    /// v2 exec approvals are `item/commandExecution/requestApproval` (0.59+), else v1
    /// `execCommandApproval` inside v2 turns.
    pub v2_exec_approval: bool,
    /// v2 patch approvals are `item/fileChange/requestApproval` (0.63+), else v1
    /// `applyPatchApproval` inside v2 turns.
    pub v2_patch_approval: bool,
    /// v2 exec approval params carry `command` and `cwd` (0.89+); before, take them from the
    /// `item/started` `commandExecution` item with the same id.
    pub v2_exec_approval_has_command: bool,
    /// A JSON-RPC error reply to a v2 approval request counts as decline (0.95+); before, it
    /// hangs the turn forever. (v1 and MCP tool mode hang in every version: always answer
    /// with a result.)
    pub v2_error_reply_declines: bool,
    /// The MCP server answers unknown methods with `-32601` (0.95+); before, it drops any
    /// request it cannot parse without a reply, and ignores nothing for a missing `jsonrpc`.
    pub mcp_answers_unknown_methods: bool,
    /// The MCP server ignores messages without `"jsonrpc":"2.0"` (0.95+).
    pub mcp_requires_jsonrpc: bool,
    /// `codex-reply` takes `sessionId` (0.20 – 0.29) rather than `conversationId`.
    pub codex_reply_session_id: bool,
    /// `codex-reply` also accepts `threadId`, and tool results carry `structuredContent`
    /// with the `threadId` (0.87+).
    pub codex_reply_thread_id: bool,
    /// MCP tool-mode events are sent twice (0.20 – 0.22): once as `codex/event`, once with
    /// the event type as the method. The tool-mode generation reads only `codex/event`, so the
    /// copies are dropped whatever the version.
    pub mcp_duplicate_events: bool,
    /// The `codex` tool's `approval-policy` still accepts `untrusted` (up to 0.148).
    pub mcp_tool_untrusted: bool,
    /// app-server still emits `codex/event/*` notifications next to v2 ones (up to 0.114).
    pub app_server_codex_events: bool,
}

impl Quirks {
    /// The quirks of `version`.
    pub fn of(version: &CodexVersion) -> Quirks {
        let v = |minor, patch| version.at_least(0, minor, patch);
        Quirks {
            v2_enums: if v(72, 0) {
                V2Spelling::KebabCase
            } else {
                V2Spelling::CamelCase
            },
            sandbox_policy_type_tag: v(59, 0),
            file_change_type_tag: v(59, 0),
            v2_turn_completed: v(59, 0),
            v2_exec_approval: v(59, 0),
            v2_patch_approval: v(63, 0),
            v2_exec_approval_has_command: v(89, 0),
            v2_error_reply_declines: v(95, 0),
            mcp_answers_unknown_methods: v(95, 0),
            mcp_requires_jsonrpc: v(95, 0),
            codex_reply_session_id: !v(34, 0),
            codex_reply_thread_id: v(87, 0),
            mcp_duplicate_events: !v(23, 0),
            mcp_tool_untrusted: !v(149, 0),
            app_server_codex_events: !v(115, 0),
        }
    }
}

/// What detection decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detected {
    /// The binary to spawn.
    pub program: PathBuf,
    /// Its version.
    pub version: CodexVersion,
    /// The generation to speak.
    pub generation: Protocol,
    /// The subcommand that serves it (`mcp`, `mcp-server`, `app-server`).
    pub subcommand: &'static str,
    /// Version-dependent shapes within the generation.
    pub quirks: Quirks,
    /// Set when detection had to guess (a version newer than [`NEWEST_KNOWN`]); log it.
    pub warning: Option<String>,
}

/// Pick the generation for `version`, or check the one the user forced.
pub fn choose(
    program: PathBuf,
    version: CodexVersion,
    forced: Option<Protocol>,
) -> Result<Detected, DetectError> {
    let available = Protocol::available(&version);
    if available.is_empty() {
        return Err(DetectError::TooOld { version });
    }
    let newer = version.triple() > NEWEST_KNOWN.triple();
    let generation = match forced {
        None | Some(Protocol::Auto) => available[0],
        Some(g) if available.contains(&g) => g,
        Some(g) => {
            return Err(DetectError::Unsupported {
                available: available
                    .iter()
                    .map(|g| g.name())
                    .collect::<Vec<_>>()
                    .join(", "),
                version,
                generation: g,
            })
        }
    };
    let warning = newer.then(|| {
        format!(
            "codex {version} is newer than the newest tested version ({NEWEST_KNOWN}); speaking {generation} as for {NEWEST_KNOWN}"
        )
    });
    Ok(Detected {
        subcommand: generation.subcommand(&version),
        quirks: Quirks::of(&version),
        program,
        version,
        generation,
        warning,
    })
}

/// Where to look for the binary. [`Locator::from_env`] reads the process environment; tests
/// fill the fields themselves.
#[derive(Debug, Clone, Default)]
pub struct Locator {
    /// A path the caller named (command-line option or config). Wins when set.
    pub explicit: Option<PathBuf>,
    /// The value of `CODEX_BIN`.
    pub codex_bin: Option<OsString>,
    /// The directory whose `node_modules/.bin` (and its ancestors') is searched.
    pub cwd: Option<PathBuf>,
    /// The value of `PATH`.
    pub path: Option<OsString>,
}

impl Locator {
    /// `CODEX_BIN`, the current directory and `PATH` of this process, plus `explicit`.
    pub fn from_env(explicit: Option<PathBuf>) -> Locator {
        Locator {
            explicit,
            codex_bin: std::env::var_os("CODEX_BIN").filter(|v| !v.is_empty()),
            cwd: std::env::current_dir().ok(),
            path: std::env::var_os("PATH"),
        }
    }

    /// The binary to run: explicit path, `CODEX_BIN`, `node_modules/.bin/codex` upwards from
    /// `cwd`, `codex` on `PATH`. A path named explicitly (or by `CODEX_BIN`) must exist; it is
    /// never silently replaced by another find.
    pub fn find(&self) -> Result<PathBuf, DetectError> {
        let named = self
            .explicit
            .clone()
            .or_else(|| self.codex_bin.as_ref().map(PathBuf::from));
        if let Some(named) = named {
            // A bare name (`codex`) is looked up on PATH like a shell would.
            if named.components().count() == 1 && !named.is_absolute() {
                return self
                    .on_path(named.as_os_str())
                    .ok_or_else(|| DetectError::NotExecutable {
                        path: cut(&named.to_string_lossy()),
                    });
            }
            return if is_executable(&named) {
                Ok(named)
            } else {
                Err(DetectError::NotExecutable {
                    path: cut(&named.to_string_lossy()),
                })
            };
        }
        if let Some(cwd) = &self.cwd {
            for dir in cwd.ancestors() {
                let candidate = dir.join("node_modules/.bin/codex");
                if is_executable(&candidate) {
                    return Ok(candidate);
                }
            }
        }
        self.on_path("codex".as_ref()).ok_or(DetectError::NotFound)
    }

    fn on_path(&self, name: &std::ffi::OsStr) -> Option<PathBuf> {
        std::env::split_paths(self.path.as_ref()?)
            .filter(|dir| !dir.as_os_str().is_empty())
            .map(|dir| dir.join(name))
            .find(|candidate| is_executable(candidate))
    }
}

fn is_executable(path: &Path) -> bool {
    let Ok(meta) = std::fs::metadata(path) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.is_file() && meta.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    {
        meta.is_file()
    }
}

/// Run `program --version` (with [`VERSION_TIMEOUT`]) and read the version.
pub async fn read_version(program: &Path) -> Result<CodexVersion, DetectError> {
    let failed = |message: String| DetectError::VersionCommand {
        program: cut(&program.to_string_lossy()),
        message,
    };
    let run = tokio::process::Command::new(program)
        .arg("--version")
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(VERSION_TIMEOUT, run)
        .await
        .map_err(|_| failed(format!("no answer in {} s", VERSION_TIMEOUT.as_secs())))?
        .map_err(|e| failed(e.to_string()))?;
    if !output.status.success() {
        return Err(failed(format!("exit status {}", output.status)));
    }
    CodexVersion::parse_version_output(&String::from_utf8_lossy(&output.stdout))
}

/// Find the binary, read its version and pick the generation (or check the forced one).
///
/// ```no_run
/// # async fn demo() -> Result<(), codex_session::DetectError> {
/// use codex_session::{detect_codex, Locator};
/// let found = detect_codex(&Locator::from_env(None), None).await?;
/// if let Some(warning) = &found.warning {
///     eprintln!("warning: {warning}");
/// }
/// println!("codex {} speaks {} via `codex {}`", found.version, found.generation, found.subcommand);
/// # Ok(()) }
/// ```
pub async fn detect_codex(
    locator: &Locator,
    forced: Option<Protocol>,
) -> Result<Detected, DetectError> {
    let program = locator.find()?;
    let version = read_version(&program).await?;
    choose(program, version, forced)
}

/// The generation that speaks `detected`, with its version's quirks (every generation is
/// spoken: `Some` for all but [`Protocol::Auto`], which [`choose`] never picks). [`crate::Protocol::Auto`] sessions call this.
pub(crate) fn generation_for(
    detected: &Detected,
) -> Option<std::sync::Arc<dyn crate::generation::Generation>> {
    use crate::generation::{app_server_v1, app_server_v2, mcp_conversation, mcp_tool};
    Some(match detected.generation {
        Protocol::Auto => return None,
        Protocol::McpConversation => std::sync::Arc::new(mcp_conversation::McpConversation),
        Protocol::AppServerV1 => std::sync::Arc::new(app_server_v1::AppServerV1::new(
            detected.quirks.sandbox_policy_type_tag,
        )),
        Protocol::AppServerV2 => {
            std::sync::Arc::new(app_server_v2::AppServerV2::new(detected.quirks.v2_enums))
        }
        Protocol::McpTool => std::sync::Arc::new(mcp_tool::McpTool::for_version(
            detected.subcommand,
            &detected.quirks,
        )),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use Protocol::*;

    fn v(s: &str) -> CodexVersion {
        s.parse().unwrap()
    }

    fn pick(s: &str) -> (Protocol, &'static str) {
        let d = choose("codex".into(), v(s), None).unwrap();
        (d.generation, d.subcommand)
    }

    #[test]
    fn parses_version_output() {
        assert_eq!(
            CodexVersion::parse_version_output("codex-cli 0.39.0\n").unwrap(),
            CodexVersion::new(0, 39, 0)
        );
        assert_eq!(
            CodexVersion::parse_version_output("codex-cli 0.153.4").unwrap(),
            CodexVersion::new(0, 153, 4)
        );
        let pre = CodexVersion::parse_version_output("codex-cli 0.80.0-alpha.3").unwrap();
        assert_eq!(pre.pre, "alpha.3");
        assert!(pre < v("0.80.0") && pre > v("0.79.0"));
        assert_eq!(pre.to_string(), "0.80.0-alpha.3");
        assert_eq!(
            v("1.2.3"),
            CodexVersion::parse_version_output("1.2.3").unwrap()
        );
        for bad in [
            "",
            "codex-cli",
            "codex-cli 0.39",
            "codex-cli 0.39.x",
            "codex-cli 0.39.0.1",
            "node: not found 1.2.3",
            "codex-cli 0.39.0 extra",
            "0.-1.0",
        ] {
            assert!(
                matches!(
                    CodexVersion::parse_version_output(bad),
                    Err(DetectError::BadVersion { .. })
                ),
                "{bad:?}"
            );
        }
        assert!(v("0.100.0") > v("0.99.9"), "numeric, not lexical order");
    }

    #[test]
    fn generation_at_every_boundary() {
        // (last old, first new) around every boundary of the reference table.
        assert!(matches!(
            choose("codex".into(), v("0.19.9"), None),
            Err(DetectError::TooOld { .. })
        ));
        assert_eq!(pick("0.20.0"), (McpTool, "mcp"));
        assert_eq!(pick("0.21.0"), (McpTool, "mcp"));
        assert_eq!(pick("0.22.0"), (McpConversation, "mcp"));
        assert_eq!(pick("0.39.0"), (McpConversation, "mcp"));
        assert_eq!(pick("0.42.0"), (McpConversation, "mcp"));
        assert_eq!(pick("0.44.0"), (AppServerV1, "app-server"));
        assert_eq!(pick("0.56.0"), (AppServerV1, "app-server"));
        assert_eq!(pick("0.57.0"), (AppServerV1, "app-server"));
        assert_eq!(pick("0.62.0"), (AppServerV1, "app-server"));
        assert_eq!(pick("0.63.0"), (AppServerV2, "app-server"));
        assert_eq!(pick("0.80.0"), (AppServerV2, "app-server"));
        assert_eq!(pick("0.107.0"), (AppServerV2, "app-server"));
        assert_eq!(pick("0.153.4"), (AppServerV2, "app-server"));
        assert_eq!(pick("0.169.0"), (AppServerV2, "app-server"));

        assert_eq!(
            Protocol::available(&v("0.42.0")),
            [McpConversation, McpTool]
        );
        assert_eq!(Protocol::available(&v("0.56.0")), [AppServerV1, McpTool]);
        assert_eq!(
            Protocol::available(&v("0.57.0")),
            [AppServerV1, AppServerV2, McpTool]
        );
        assert_eq!(
            Protocol::available(&v("0.107.0")),
            [AppServerV2, AppServerV1, McpTool]
        );
        assert_eq!(Protocol::available(&v("0.110.0")), [AppServerV2, McpTool]);
        assert_eq!(Protocol::available(&v("0.153.4")), [AppServerV2, McpTool]);
        assert_eq!(Protocol::available(&v("0.154.0")), [AppServerV2]);
        // Pre-releases of a boundary version already carry the change.
        assert_eq!(Protocol::available(&v("0.154.0-alpha.1")), [AppServerV2]);
    }

    #[test]
    fn the_generation_spawns_the_detected_subcommand() {
        for (version, forced) in [
            ("0.39.0", None),
            ("0.56.0", None),
            ("0.66.0", None),
            ("0.80.0", Some(AppServerV1)),
            ("0.169.0", None),
        ] {
            let d = choose("codex".into(), v(version), forced).unwrap();
            let generation = generation_for(&d).unwrap();
            assert_eq!(generation.server_args(), [d.subcommand], "{version}");
        }
        // MCP tool mode, forced or (0.20 – 0.21) chosen: `codex mcp` before 0.44.
        for (version, forced, subcommand) in [
            ("0.20.0", None, "mcp"),
            ("0.39.0", Some(McpTool), "mcp"),
            ("0.80.0", Some(McpTool), "mcp-server"),
            ("0.153.4", Some(McpTool), "mcp-server"),
        ] {
            let d = choose("codex".into(), v(version), forced).unwrap();
            assert_eq!(d.generation, McpTool, "{version}");
            let generation = generation_for(&d).unwrap();
            assert_eq!(generation.server_args(), [subcommand], "{version}");
        }
    }

    #[test]
    fn subcommand_of_tool_mode_moves_at_0_44() {
        assert_eq!(McpTool.subcommand(&v("0.42.0")), "mcp");
        assert_eq!(McpTool.subcommand(&v("0.44.0")), "mcp-server");
        let d = choose("codex".into(), v("0.80.0"), Some(McpTool)).unwrap();
        assert_eq!((d.generation, d.subcommand), (McpTool, "mcp-server"));
        let d = choose("codex".into(), v("0.80.0"), Some(AppServerV1)).unwrap();
        assert_eq!((d.generation, d.subcommand), (AppServerV1, "app-server"));
    }

    #[test]
    fn forced_generation_must_exist_in_that_version() {
        let err = choose("codex".into(), v("0.169.0"), Some(McpTool)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "codex 0.169.0 does not speak mcp-tool (it speaks: app-server-v2)"
        );
        assert!(matches!(
            choose("codex".into(), v("0.110.0"), Some(AppServerV1)),
            Err(DetectError::Unsupported { .. })
        ));
        assert!(matches!(
            choose("codex".into(), v("0.39.0"), Some(AppServerV2)),
            Err(DetectError::Unsupported { .. })
        ));
        // `auto` forced is no force at all.
        let auto = choose("codex".into(), v("0.169.0"), Some(Auto)).unwrap();
        assert_eq!(auto.generation, AppServerV2);
    }

    #[test]
    fn newer_versions_use_the_newest_generation_with_a_warning() {
        let known = choose("codex".into(), v("0.171.0"), None).unwrap();
        assert_eq!(known.warning, None);
        for newer in ["0.171.1", "0.200.0", "1.0.0"] {
            let d = choose("codex".into(), v(newer), None).unwrap();
            assert_eq!((d.generation, d.subcommand), (AppServerV2, "app-server"));
            let warning = d.warning.unwrap();
            assert!(
                warning.contains(newer) && warning.contains("0.171.0"),
                "{warning}"
            );
            assert_eq!(d.quirks, Quirks::of(&v("0.171.0")));
        }
    }

    #[test]
    fn quirks_flip_at_their_exact_boundaries() {
        let q = |s| Quirks::of(&v(s));
        assert_eq!(q("0.66.0").v2_enums, V2Spelling::CamelCase);
        assert_eq!(q("0.72.0").v2_enums, V2Spelling::KebabCase);
        let (old, new) = (q("0.58.0"), q("0.59.0"));
        assert!(!old.sandbox_policy_type_tag && new.sandbox_policy_type_tag);
        assert!(!old.file_change_type_tag && new.file_change_type_tag);
        assert!(!old.v2_turn_completed && new.v2_turn_completed);
        assert!(!old.v2_exec_approval && new.v2_exec_approval);
        assert!(!q("0.61.0").v2_patch_approval && q("0.63.0").v2_patch_approval);
        assert!(!q("0.87.0").v2_exec_approval_has_command);
        assert!(q("0.89.0").v2_exec_approval_has_command);
        assert!(!q("0.90.0").v2_error_reply_declines && q("0.95.0").v2_error_reply_declines);
        assert!(!q("0.94.0").mcp_answers_unknown_methods);
        assert!(q("0.95.0").mcp_answers_unknown_methods && q("0.95.0").mcp_requires_jsonrpc);
        assert!(q("0.29.0").codex_reply_session_id && !q("0.34.0").codex_reply_session_id);
        assert!(!q("0.80.0").codex_reply_thread_id && q("0.87.0").codex_reply_thread_id);
        assert!(q("0.22.0").mcp_duplicate_events && !q("0.23.0").mcp_duplicate_events);
        assert!(q("0.148.0").mcp_tool_untrusted && !q("0.149.0").mcp_tool_untrusted);
        assert!(q("0.114.0").app_server_codex_events && !q("0.115.0").app_server_codex_events);
    }

    fn exe(dir: &Path, rel: &str) -> PathBuf {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, "#!/bin/sh\necho codex-cli 0.80.0\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        path
    }

    #[test]
    fn finds_the_binary_in_order() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let on_path = exe(root, "bin/codex");
        let in_node = exe(root, "proj/node_modules/.bin/codex");
        let from_env = exe(root, "env/codex-custom");
        let explicit = exe(root, "explicit/codex");
        std::fs::create_dir_all(root.join("proj/sub/dir")).unwrap();
        let mut loc = Locator {
            explicit: Some(explicit.clone()),
            codex_bin: Some(from_env.clone().into()),
            cwd: Some(root.join("proj/sub/dir")),
            path: Some(std::env::join_paths([root.join("nothing"), root.join("bin")]).unwrap()),
        };
        assert_eq!(loc.find().unwrap(), explicit);
        loc.explicit = None;
        assert_eq!(loc.find().unwrap(), from_env);
        loc.codex_bin = None;
        assert_eq!(loc.find().unwrap(), in_node, "node_modules of an ancestor");
        loc.cwd = Some(root.to_path_buf());
        assert_eq!(loc.find().unwrap(), on_path);
        loc.path = Some(root.join("nothing").into());
        assert_eq!(loc.find().unwrap_err(), DetectError::NotFound);

        // A named binary that is missing or not executable is an error, not a fallback.
        loc.path = Some(root.join("bin").into());
        loc.codex_bin = Some(root.join("missing/codex").into());
        assert!(matches!(loc.find(), Err(DetectError::NotExecutable { .. })));
        let plain = root.join("plain");
        std::fs::write(&plain, "x").unwrap();
        loc.codex_bin = None;
        loc.explicit = Some(plain);
        assert!(matches!(loc.find(), Err(DetectError::NotExecutable { .. })));
        // A bare name is looked up on PATH.
        loc.explicit = Some("codex".into());
        assert_eq!(loc.find().unwrap(), on_path);
    }

    #[tokio::test]
    async fn reads_the_version_of_a_script() {
        let tmp = tempfile::tempdir().unwrap();
        let script = exe(tmp.path(), "codex");
        assert_eq!(read_version(&script).await.unwrap(), v("0.80.0"));
        let loc = Locator {
            explicit: Some(script.clone()),
            ..Locator::default()
        };
        let d = detect_codex(&loc, None).await.unwrap();
        assert_eq!(d.program, script);
        assert_eq!((d.generation, d.subcommand), (AppServerV2, "app-server"));

        let failing = tmp.path().join("failing");
        std::fs::write(&failing, "#!/bin/sh\nexit 3\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&failing, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        assert!(matches!(
            read_version(&failing).await,
            Err(DetectError::VersionCommand { .. })
        ));
    }

    /// The real launchers installed by `scripts/deps.sh` (`install_codex_versions`).
    #[tokio::test]
    async fn detects_the_real_codex_binaries() {
        for (version, generation, subcommand) in [
            ("0.39.0", McpConversation, "mcp"),
            ("0.80.0", AppServerV2, "app-server"),
            ("0.169.0", AppServerV2, "app-server"),
            ("0.171.0", AppServerV2, "app-server"),
        ] {
            let bin = xldb_testkit::codex::codex_bin(version).unwrap_or_else(|e| {
                panic!("{e:#}: run `source scripts/deps.sh && install_codex_versions`")
            });
            let loc = Locator {
                explicit: Some(bin),
                ..Locator::default()
            };
            let d = detect_codex(&loc, None).await.unwrap();
            assert_eq!(d.version, v(version));
            assert_eq!((d.generation, d.subcommand), (generation, subcommand));
            assert_eq!(d.warning, None);
        }
    }
}
