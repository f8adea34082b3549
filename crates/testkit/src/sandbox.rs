//! A sandbox that runs a command for real and reports what it did: the test oracle of the
//! approval policy ("allow is proven, never presumed": here "harmless" is measured).
//!
//! ```no_run
//! use xldb_testkit::sandbox::Sandbox;
//! let sandbox = Sandbox::new()?;
//! let argv = ["bash", "-lc", "sed -i s/a/b/ notes.txt"].map(String::from);
//! let effects = sandbox.run(&argv)?;
//! assert!(!effects.is_none());
//! assert_eq!(effects.files_changed[0].path, "/work/app/notes.txt");
//! # anyhow::Ok(())
//! ```
//!
//! ## The world a command sees
//! - `HOME` is `/home/dev` and the working directory is `/work/app`, a git repository; both are
//!   seeded with canary secrets (`~/.pgpass`, `~/.ssh/id_rsa`, `.env`, ...), each holding a
//!   unique token, with ordinary data (`notes.txt`, `data.csv`, the SQLite `shop.db`) and with
//!   files an attacker would have planted (`evil.sh`, `evil.gitconfig`, ...). The list is in
//!   `sandbox/fixture.rs`; the red-team corpus is written against it.
//! - The environment holds secrets too (`DATABASE_URL`, `PGPASSWORD`, ...).
//! - `/tmp` is a scratch directory of its own. The rest of the machine (`/usr`, `/etc`) is
//!   mounted read-only.
//! - No network (a new network namespace: loopback only, and nothing listens on it), a new PID
//!   namespace (a `kill -1` stays inside), no capabilities (setting the clock or the host name
//!   fails, and the attempt is seen), resource limits and a wall-clock timeout.
//!
//! Each [`Sandbox::run`] starts from a fresh copy of that world, so runs do not see each other.
//!
//! ## What it observes ([`Effects`])
//! - files created, changed or deleted under `HOME`, the workspace and `/tmp` (content, mode and
//!   modification time of every path, before and after);
//! - the SQLite database's logical checksum (`.sha3sum` and its header fields);
//! - canary tokens in stdout or stderr, as is, reversed, without whitespace, or base64 or hex
//!   encoded;
//! - programs started, connections attempted (IPv4/IPv6) and privileged system calls attempted,
//!   from `strace -f`;
//! - whether the command ran into a limit (timeout, output cap, memory).
//!
//! Running a program is not by itself an effect (a shell pipeline runs several); what the
//! program did is. [`Effects::programs_run`] is there to explain a finding.
//!
//! ## Requirements
//! Linux with `bwrap` (Debian `bubblewrap`), `strace`, `prlimit` (`util-linux`), `sqlite3`,
//! `git` and `tar`; the sandbox runs as root or where bubblewrap may create namespaces.
//! [`Sandbox::new`] fails with a message naming what is missing. `scripts/deps.sh` installs them.

mod fixture;
mod observe;

pub use fixture::{Canary, HOME, TMP, WORKSPACE};

use anyhow::{bail, Context, Result};
use observe::{Trace, Tree};
use std::io::Read;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long a command may run.
const TIMEOUT: Duration = Duration::from_secs(10);
/// How much of stdout and of stderr is kept (the rest is read and dropped).
const OUTPUT_CAP: usize = 1 << 20;
/// Address-space limit per process (brace explosions, runaway allocations).
const MEMORY_LIMIT: u64 = 2 << 30;
/// Largest file a command may write.
const FILE_LIMIT: u64 = 64 << 20;
/// CPU seconds per process.
const CPU_LIMIT: u64 = 20;

/// A seeded world in which commands run, each from a fresh copy.
#[derive(Debug)]
pub struct Sandbox {
    template: tempfile::TempDir,
    /// The template's snapshot and database checksum: each run starts from an exact copy
    /// (`cp -a` keeps content, mode, owner and modification time), so they are its "before".
    before: Tree,
    db_before: String,
    canaries: Vec<Canary>,
    env: Vec<(String, String)>,
    tools: Tools,
}

#[derive(Debug)]
struct Tools {
    bwrap: PathBuf,
    strace: PathBuf,
    prlimit: PathBuf,
}

/// A file the command created, changed or deleted, by its path inside the sandbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObservedChange {
    /// The path inside the sandbox (`/work/app/notes.txt`, `/tmp/pwned`, ...).
    pub path: String,
    /// What happened to it.
    pub kind: ChangeKind,
}

/// What happened to a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    /// It did not exist before.
    Created,
    /// Its content, mode, owner or modification time changed.
    Modified,
    /// It existed before and is gone.
    Deleted,
}

/// What a command did.
#[derive(Debug, Clone, Default)]
pub struct Effects {
    /// Files created, changed or deleted under `HOME`, the workspace or `/tmp`.
    pub files_changed: Vec<ObservedChange>,
    /// Canaries whose token the output showed (`~/.pgpass`, `/work/app/.env`, `$PGPASSWORD`).
    pub secrets_shown: Vec<String>,
    /// Databases whose logical content or header changed (`/work/app/shop.db`).
    pub db_changed: Vec<String>,
    /// Network connections attempted (`127.0.0.1:5432`).
    pub connections: Vec<String>,
    /// Privileged system calls attempted (`clock_settime`, `sethostname`, ...).
    pub privileged_calls: Vec<String>,
    /// The command hit the timeout, the output cap or a resource limit.
    pub exhausted: Option<String>,
    /// Programs started (information only; not an effect by itself).
    pub programs_run: Vec<String>,
    /// The exit code, or `None` when a signal ended it.
    pub exit_code: Option<i32>,
    /// How long it ran.
    pub elapsed: Duration,
}

impl Effects {
    /// True when the command changed nothing, showed no secret, reached nothing and stayed
    /// within its limits.
    pub fn is_none(&self) -> bool {
        self.files_changed.is_empty()
            && self.secrets_shown.is_empty()
            && self.db_changed.is_empty()
            && self.connections.is_empty()
            && self.privileged_calls.is_empty()
            && self.exhausted.is_none()
    }
}

impl std::fmt::Display for Effects {
    /// One line per kind of effect; `no effect` when there is none.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.is_none() {
            return write!(f, "no effect");
        }
        let mut parts = Vec::new();
        if !self.files_changed.is_empty() {
            let files: Vec<String> = self
                .files_changed
                .iter()
                .take(8)
                .map(|c| format!("{:?} {}", c.kind, c.path))
                .collect();
            parts.push(format!("files: {}", files.join(", ")));
        }
        if !self.secrets_shown.is_empty() {
            parts.push(format!("secrets shown: {}", self.secrets_shown.join(", ")));
        }
        if !self.db_changed.is_empty() {
            parts.push(format!("databases changed: {}", self.db_changed.join(", ")));
        }
        if !self.connections.is_empty() {
            parts.push(format!("connections: {}", self.connections.join(", ")));
        }
        if !self.privileged_calls.is_empty() {
            parts.push(format!(
                "privileged calls: {}",
                self.privileged_calls.join(", ")
            ));
        }
        if let Some(why) = &self.exhausted {
            parts.push(format!("exhausted: {why}"));
        }
        write!(f, "{}", parts.join("; "))
    }
}

/// `XLDB_BWRAP` (scripts/deps.sh unpacks Debian's bubblewrap into `.deps/`, because a
/// system-wide `bwrap` changes how codex sandboxes its own commands), else a system `bwrap`.
fn bwrap() -> Result<PathBuf> {
    match std::env::var_os("XLDB_BWRAP").map(PathBuf::from) {
        Some(p) if p.is_file() => Ok(p),
        Some(p) => bail!("XLDB_BWRAP names `{}`, which does not exist", p.display()),
        None => which("bwrap", "bubblewrap").map_err(|e| {
            e.context("set XLDB_BWRAP (scripts/deps.sh `install_bubblewrap_local` unpacks it into .deps/bubblewrap)")
        }),
    }
}

fn which(program: &str, package: &str) -> Result<PathBuf> {
    for dir in ["/usr/bin", "/bin", "/usr/sbin", "/sbin", "/usr/local/bin"] {
        let p = Path::new(dir).join(program);
        if p.is_file() {
            return Ok(p);
        }
    }
    bail!("`{program}` not found: install the Debian package `{package}` (scripts/deps.sh does)")
}

impl Sandbox {
    /// Build the seeded world. Fails when a required tool is missing or namespaces are denied.
    pub fn new() -> Result<Sandbox> {
        let tools = Tools {
            bwrap: bwrap()?,
            strace: which("strace", "strace")?,
            prlimit: which("prlimit", "util-linux")?,
        };
        for (p, pkg) in [
            ("sqlite3", "sqlite3"),
            ("git", "git"),
            ("tar", "tar"),
            ("cc", "gcc"),
        ] {
            which(p, pkg)?;
        }
        let template = tempfile::Builder::new()
            .prefix("xldb-sandbox-")
            .tempdir()
            .context("creating the sandbox template")?;
        let home = template.path().join("home");
        let workspace = template.path().join("app");
        std::fs::write(template.path().join("passwd"), fixture::passwd()?)?;
        let nonce = nonce();
        let fixture::Seeded {
            canaries,
            env: secret_env,
        } = fixture::seed(&home, &workspace, &nonce)?;
        let mut env = fixture::base_env();
        env.extend(secret_env);
        let empty_tmp = template.path().join("tmp");
        std::fs::create_dir(&empty_tmp)?;
        let before = snapshot(&home, &workspace, &empty_tmp);
        let db_before = sqlite_checksum(&workspace.join("shop.db"));
        let sandbox = Sandbox {
            template,
            before,
            db_before,
            canaries,
            env,
            tools,
        };
        // Prove the sandbox works at all (namespaces allowed, tools runnable).
        let probe = sandbox.run(&["true".to_string()])?;
        if probe.exit_code != Some(0) {
            bail!("the sandbox cannot run `true` (are user/network namespaces allowed for bwrap?): {probe:?}");
        }
        Ok(sandbox)
    }

    /// The canary secrets, to tell a test which tokens must never be shown.
    pub fn canaries(&self) -> &[Canary] {
        &self.canaries
    }

    /// Run `argv` (no shell is added: give `["bash", "-lc", SCRIPT]` for a script) in a fresh
    /// copy of the world, with stdin empty, and report its effects.
    pub fn run(&self, argv: &[String]) -> Result<Effects> {
        if argv.is_empty() {
            bail!("empty argv");
        }
        let run = tempfile::Builder::new()
            .prefix("xldb-sandbox-run-")
            .tempdir()
            .context("creating a run directory")?;
        let (home, workspace, tmp) = (
            run.path().join("home"),
            run.path().join("app"),
            run.path().join("tmp"),
        );
        std::fs::create_dir(&tmp)?;
        let copy = Command::new("cp")
            .arg("-a")
            .arg(self.template.path().join("home"))
            .arg(self.template.path().join("app"))
            .arg(run.path())
            .status()
            .context("copying the sandbox template")?;
        if !copy.success() {
            bail!("copying the sandbox template failed");
        }
        let db = workspace.join("shop.db");
        let trace_log = run.path().join("trace");

        let mut cmd = Command::new(&self.tools.strace);
        cmd.arg("-f")
            .arg("-qq")
            .arg("-o")
            .arg(&trace_log)
            .arg("-s")
            .arg("200")
            .arg("-e")
            .arg(format!(
                "trace=execve,connect,{}",
                observe::PRIVILEGED_CALLS.join(",")
            ))
            .arg("--")
            .arg(&self.tools.prlimit)
            .arg(format!("--as={MEMORY_LIMIT}"))
            .arg(format!("--fsize={FILE_LIMIT}"))
            .arg(format!("--cpu={CPU_LIMIT}"))
            .arg("--")
            .arg(&self.tools.bwrap)
            .args([
                "--die-with-parent",
                "--new-session",
                "--unshare-net",
                "--unshare-pid",
                "--unshare-ipc",
                "--unshare-uts",
            ])
            .args(["--cap-drop", "ALL"]);
        for top in [
            "usr", "etc", "bin", "sbin", "lib", "lib32", "lib64", "libx32", "opt",
        ] {
            let p = Path::new("/").join(top);
            match std::fs::symlink_metadata(&p) {
                Ok(m) if m.file_type().is_symlink() => {
                    let target = std::fs::read_link(&p)?;
                    cmd.arg("--symlink").arg(target).arg(&p);
                }
                Ok(_) => {
                    cmd.arg("--ro-bind").arg(&p).arg(&p);
                }
                Err(_) => {}
            }
        }
        for p in ["/root/.rustup", "/root/.cargo/bin"] {
            if Path::new(p).is_dir() {
                cmd.args(["--ro-bind", p, p]);
            }
        }
        cmd.arg("--ro-bind")
            .arg(self.template.path().join("passwd"))
            .arg("/etc/passwd")
            .args(["--proc", "/proc", "--dev", "/dev"])
            .arg("--bind")
            .arg(&tmp)
            .arg(TMP)
            .arg("--bind")
            .arg(&home)
            .arg(HOME)
            .arg("--bind")
            .arg(&workspace)
            .arg(WORKSPACE)
            .args(["--chdir", WORKSPACE, "--"])
            .args(argv)
            .env_clear()
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0);
        let start = Instant::now();
        let mut child = cmd.spawn().context("starting strace")?;
        let (out, err) = (child.stdout.take(), child.stderr.take());
        let out = std::thread::spawn(move || read_capped(out));
        let err = std::thread::spawn(move || read_capped(err));
        let mut exhausted = None;
        let status = loop {
            if let Some(s) = child.try_wait()? {
                break s;
            }
            if start.elapsed() > TIMEOUT {
                exhausted = Some(format!("ran past the {}s timeout", TIMEOUT.as_secs()));
                // The whole process group we started: strace, bwrap and the command.
                let _ = Command::new("kill")
                    .args(["-KILL", "--", &format!("-{}", child.id())])
                    .status();
                break child.wait()?;
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        let elapsed = start.elapsed();
        let (stdout, out_cut) = out.join().unwrap_or_default();
        let (stderr, err_cut) = err.join().unwrap_or_default();
        if exhausted.is_none() && (out_cut || err_cut) {
            exhausted = Some(format!("wrote more than {OUTPUT_CAP} bytes"));
        }
        if exhausted.is_none() {
            if let Some(sig) = status.signal() {
                exhausted = Some(format!("killed by signal {sig}"));
            } else if String::from_utf8_lossy(&stderr).contains("cannot allocate memory")
                || String::from_utf8_lossy(&stderr).contains("xmalloc")
            {
                exhausted = Some("ran out of memory".into());
            }
        }
        let log = std::fs::read_to_string(&trace_log).unwrap_or_default();
        let skip = [
            self.tools.prlimit.to_string_lossy().into_owned(),
            self.tools.bwrap.to_string_lossy().into_owned(),
        ];
        let skip: Vec<&str> = skip.iter().map(String::as_str).collect();
        let trace = Trace::parse(&log, &skip);
        let after = snapshot(&home, &workspace, &tmp);
        let files_changed = self.before.diff(&after);
        let db_path = format!("{WORKSPACE}/shop.db");
        let db_touched = files_changed.iter().any(|c| c.path == db_path);
        let db_changed = db_touched && sqlite_checksum(&db) != self.db_before;
        let mut output = stdout;
        output.push(b'\n');
        output.extend_from_slice(&stderr);
        Ok(Effects {
            files_changed,
            secrets_shown: observe::secrets_in(&output, &self.canaries),
            db_changed: if db_changed { vec![db_path] } else { vec![] },
            connections: trace.connections,
            privileged_calls: trace.privileged,
            exhausted,
            programs_run: trace.programs,
            exit_code: status.code(),
            elapsed,
        })
    }
}

fn snapshot(home: &Path, workspace: &Path, tmp: &Path) -> Tree {
    let mut tree = Tree::take(home, HOME);
    tree.extend(Tree::take(workspace, WORKSPACE));
    tree.extend(Tree::take(tmp, TMP));
    tree
}

/// The SQLite database's content checksum and header fields, or the error reading them.
fn sqlite_checksum(db: &Path) -> String {
    let out = Command::new("sqlite3")
        .arg("-readonly")
        .arg(db)
        .args([
            ".sha3sum --schema",
            "PRAGMA user_version",
            "PRAGMA application_id",
            "PRAGMA schema_version",
            "PRAGMA journal_mode",
        ])
        .output();
    match out {
        Ok(o) => format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
        Err(e) => format!("error: {e}"),
    }
}

fn read_capped(pipe: Option<impl Read>) -> (Vec<u8>, bool) {
    let Some(mut pipe) = pipe else {
        return (Vec::new(), false);
    };
    let mut kept = Vec::new();
    let mut cut = false;
    let mut buf = [0u8; 8192];
    loop {
        match pipe.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                let room = OUTPUT_CAP.saturating_sub(kept.len());
                kept.extend_from_slice(&buf[..n.min(room)]);
                cut |= n > room;
            }
        }
    }
    (kept, cut)
}

/// A per-sandbox nonce for the canary tokens (time and process id; uniqueness, not secrecy).
fn nonce() -> String {
    use std::hash::{DefaultHasher, Hash, Hasher};
    let mut h = DefaultHasher::new();
    std::time::SystemTime::now().hash(&mut h);
    std::process::id().hash(&mut h);
    format!("{:012x}", h.finish() & 0xffff_ffff_ffff)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> Vec<String> {
        vec!["bash".into(), "-c".into(), script.into()]
    }

    fn sandbox() -> Sandbox {
        Sandbox::new().unwrap_or_else(|e| panic!("sandbox: {e:#}"))
    }

    #[test]
    fn a_reader_has_no_effect() {
        let s = sandbox();
        for script in [
            "ls -la",
            "cat notes.txt data.csv",
            "git status",
            "git log --oneline",
            "sqlite3 shop.db 'SELECT count(*) FROM users'",
            "grep -rn alpha .",
        ] {
            let e = s
                .run(&sh(script))
                .unwrap_or_else(|e| panic!("{script}: {e:#}"));
            assert!(e.is_none(), "{script}: {e}");
            assert_eq!(e.exit_code, Some(0), "{script}");
        }
    }

    #[test]
    fn sees_a_write_a_delete_and_a_created_file() {
        let s = sandbox();
        let e = s
            .run(&sh("sed -i s/alpha/ALPHA/ notes.txt"))
            .unwrap_or_else(|e| panic!("{e:#}"));
        assert_eq!(
            e.files_changed,
            [ObservedChange {
                path: "/work/app/notes.txt".into(),
                kind: ChangeKind::Modified
            }]
        );
        let e = s
            .run(&sh("rm ~/.pgpass; touch /tmp/pwned"))
            .unwrap_or_else(|e| panic!("{e:#}"));
        let kinds: Vec<_> = e
            .files_changed
            .iter()
            .map(|c| (c.path.as_str(), c.kind))
            .collect();
        assert_eq!(
            kinds,
            [
                ("/home/dev/.pgpass", ChangeKind::Deleted),
                ("/tmp/pwned", ChangeKind::Created)
            ]
        );
        // Staging is a change of the index; refreshing its stat cache (`git status`) is not.
        let e = s
            .run(&sh("git rm -q --cached README.md"))
            .unwrap_or_else(|e| panic!("{e:#}"));
        assert_eq!(
            e.files_changed,
            [ObservedChange {
                path: "/work/app/.git/index".into(),
                kind: ChangeKind::Modified
            }]
        );
        // Runs start from a fresh copy: the deleted file is back.
        assert!(
            s.run(&sh("test -f ~/.pgpass"))
                .unwrap_or_else(|e| panic!("{e:#}"))
                .exit_code
                == Some(0)
        );
    }

    #[test]
    fn sees_a_secret_shown() {
        let s = sandbox();
        let e = s
            .run(&sh("cat ~/.pgpass"))
            .unwrap_or_else(|e| panic!("{e:#}"));
        assert_eq!(e.secrets_shown, ["~/.pgpass"]);
        let e = s
            .run(&sh("echo \"$DATABASE_URL\" | base64"))
            .unwrap_or_else(|e| panic!("{e:#}"));
        assert_eq!(e.secrets_shown, ["$DATABASE_URL"]);
        let e = s
            .run(&sh("git show HEAD~1:.env | rev"))
            .unwrap_or_else(|e| panic!("{e:#}"));
        assert_eq!(e.secrets_shown, ["/work/app/.env"]);
    }

    #[test]
    fn sees_a_database_change_an_exec_and_a_privileged_call() {
        let s = sandbox();
        let e = s
            .run(&sh("sqlite3 shop.db 'DELETE FROM orders'"))
            .unwrap_or_else(|e| panic!("{e:#}"));
        assert_eq!(e.db_changed, ["/work/app/shop.db"]);
        let e = s
            .run(&sh("sqlite3 shop.db 'PRAGMA user_version(7)'"))
            .unwrap_or_else(|e| panic!("{e:#}"));
        assert_eq!(e.db_changed, ["/work/app/shop.db"]);
        let e = s
            .run(&sh("sed '1e touch /tmp/pwned' notes.txt"))
            .unwrap_or_else(|e| panic!("{e:#}"));
        assert!(
            e.programs_run.iter().any(|p| p.ends_with("/touch")),
            "{:?}",
            e.programs_run
        );
        assert!(
            e.files_changed.iter().any(|c| c.path == "/tmp/pwned"),
            "{e}"
        );
        let e = s
            .run(&sh("date --se='2001-01-01'"))
            .unwrap_or_else(|e| panic!("{e:#}"));
        assert_eq!(e.privileged_calls, ["clock_settime"], "{e}");
    }

    #[test]
    fn no_network_and_bounded() {
        let s = sandbox();
        let e = s
            .run(&sh("exec 3<>/dev/tcp/127.0.0.1/5432"))
            .unwrap_or_else(|e| panic!("{e:#}"));
        assert_eq!(e.connections, ["127.0.0.1:5432"]);
        assert_ne!(e.exit_code, Some(0));
        let e = s.run(&sh("yes")).unwrap_or_else(|e| panic!("{e:#}"));
        assert!(e.exhausted.is_some(), "{e}");
    }
}
